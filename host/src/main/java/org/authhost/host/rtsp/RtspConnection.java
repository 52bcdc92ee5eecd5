package org.authhost.host.rtsp;

import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.Right;
import org.authhost.host.authn.ClientConnection;
import org.authhost.host.authn.Logon;
import org.authhost.host.authn.Verdict;

/**
 * One RTSP client connection: its authentication state (the driver's {@link ClientConnection}), the
 * RTSP sessions the origin opened on it and the identity each is bound to. Used from the
 * connection's event loop only.
 */
final class RtspConnection {
  final ClientConnection authn;
  final ClientAddress client;

  /** The local address the client reached, for URLs a relative request target lacks. */
  final InetSocketAddress local;

  final boolean secure;
  private final Map<String, Binding> sessions = new HashMap<>();
  private int setups;

  /**
   * Who holds an RTSP session: the account that set it up, the logon it last proved in it (what a
   * request without credentials is reauthorized with), and the rights it was granted on this
   * connection.
   */
  static final class Binding {
    private final String account;
    private final Set<Right> rights = EnumSet.noneOf(Right.class);
    private Logon logon;

    Binding(String account) {
      this.account = account;
    }

    String account() {
      return account;
    }

    Set<Right> rights() {
      return rights;
    }

    /** The logon to reauthorize a request without credentials with, or null for none. */
    Logon logon() {
      return logon;
    }
  }

  RtspConnection(InetSocketAddress remote, InetSocketAddress local, boolean secure) {
    this.authn = new ClientConnection(remote, secure);
    this.client = authn.direct;
    this.local = local;
    this.secure = secure;
  }

  /** The session the origin named in its answer to a SETUP served as {@code served}. */
  void bind(String session, Verdict.Serve served, Right right) {
    Binding b = sessions.computeIfAbsent(session, s -> new Binding(served.account()));
    granted(b, served, right);
  }

  /** A request in the session, served as {@code served}, was granted {@code right}. */
  void granted(String session, Verdict.Serve served, Right right) {
    Binding b = sessions.get(session);
    if (b != null) {
      granted(b, served, right);
    }
  }

  private static void granted(Binding b, Verdict.Serve served, Right right) {
    b.rights.add(right);
    if (served.logon() != null) {
      // The latest proof stands for the session: a client that logged on again after its token
      // expired, or was reauthorized with the account's groups as they are now.
      b.logon = served.logon();
    }
  }

  Binding binding(String session) {
    return sessions.get(session);
  }

  /** Counts a SETUP; the count so far. */
  int setup() {
    return ++setups;
  }

  /**
   * Whether the origin has set up a session on this connection (a SETUP authorized and answered
   * 2xx): interleaved data may come after that only, not after a SETUP that was merely sent.
   */
  boolean hasSession() {
    return !sessions.isEmpty();
  }
}
