package org.authhost.host.rtsp;

import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.Right;
import org.authhost.host.authn.ClientConnection;

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
   * Who holds an RTSP session: the account that set it up, and the rights it was granted on this
   * connection.
   */
  record Binding(String account, Set<Right> rights) {}

  RtspConnection(InetSocketAddress remote, InetSocketAddress local, boolean secure) {
    this.authn = new ClientConnection(remote, secure);
    this.client = authn.direct;
    this.local = local;
    this.secure = secure;
  }

  /** The session the origin named in its answer to a SETUP by {@code account}. */
  void bind(String session, String account, Right right) {
    sessions
        .computeIfAbsent(session, s -> new Binding(account, EnumSet.noneOf(Right.class)))
        .rights()
        .add(right);
  }

  /** A request in the session by {@code account} was granted {@code right}. */
  void granted(String session, Right right) {
    Binding b = sessions.get(session);
    if (b != null) {
      b.rights().add(right);
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

  /** The SETUPs counted so far. */
  int setupCount() {
    return setups;
  }
}
