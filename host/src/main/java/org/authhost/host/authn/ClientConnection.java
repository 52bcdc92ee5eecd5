package org.authhost.host.authn;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.plugins.AuthenticationOutcome;
import org.authhost.host.plugins.AuthenticationSession;

/**
 * One client connection: who is at the other end, and the authentication state that lives as long
 * as the connection does for connection-bound protocols (NTLM, Negotiate), whose context — and so
 * token — is released when the connection closes.
 */
public final class ClientConnection {
  private static final AtomicLong IDS = new AtomicLong();

  public final long id = IDS.incrementAndGet();

  /** The peer's port; the client's address is the request's ({@link ClientAddress}). */
  public final int port;

  /**
   * Whether the connection is TLS; protocols that send passwords in clear are offered only then or
   * on loopback.
   */
  public final boolean secure;

  public final boolean loopback;

  /** The peer as a client when no trusted proxy speaks for another one. */
  public final ClientAddress direct;

  private final Map<String, AuthenticationSession> bound = new HashMap<>();
  private AuthenticationOutcome authenticated;
  private String authenticatedPlugin;
  private LastLogon lastLogon;
  private boolean closed;

  /** What a plug-in refused last here, so that a client's own retry of it counts once. */
  private final RefusedProof refused = new RefusedProof();

  /**
   * The {@linkplain #kept kept} session the connection's request is using now, or null: one at a
   * time, as its front decides one request at a time ({@link KeptContext}). A drain that begins
   * meanwhile leaves it to that request, which is answered by it and releases it as it ends.
   *
   * <p>Volatile, for the Dekker order that lets a request end without this object's lock: the
   * request's loop clears the mark and then reads its version's {@code draining}; the drain sets
   * {@code draining} and then reads the mark ({@link #releaseIfIdleAndDraining}). Whichever reads
   * second sees the other's write, so one of the two releases the session.
   */
  private volatile AuthenticationSession keptInUse;

  /** Ends the count of a bound handshake waiting for the client's next leg, or null. */
  private Runnable legAwaited;

  /** Closes the connection itself (the front sets it), or null. */
  private Runnable closer;

  public ClientConnection(InetSocketAddress remote, boolean secure) {
    this.port = remote.getPort();
    this.secure = secure;
    this.loopback = remote.getAddress().isLoopbackAddress();
    this.direct = ClientAddress.direct(remote.getAddress(), secure);
  }

  /**
   * How the front closes this connection: a bound session still open when its plug-in version's
   * drain time runs out (issue 16) ends the connection with it.
   */
  public synchronized void closeWith(Runnable closer) {
    this.closer = closer;
  }

  /**
   * The bound session of a plug-in, made by {@code create} on first use. Keyed by the plug-in's id,
   * not its protocol name: two plug-ins may offer the same scheme (at different publishing points,
   * or a new version next to an old one), and each keeps its own context on the connection.
   */
  public synchronized AuthenticationSession bound(
      String pluginId, Supplier<AuthenticationSession> create) {
    if (closed) {
      return null;
    }
    AuthenticationSession existing = bound.get(pluginId);
    if (existing != null && existing.versionDraining() && pluginId.equals(authenticatedPlugin)) {
      // The handshake on it ended and the client starts a new one (a keep-alive connection
      // re-authenticating): that one goes to the version in service, and the old version's drain
      // need not wait for this connection to close.
      forget(pluginId);
    }
    return bound.computeIfAbsent(
        pluginId,
        p -> {
          AuthenticationSession session = create.get();
          session.onDrainTimeout(() -> drainTimedOut(pluginId, session));
          return session;
        });
  }

  /**
   * The session a plug-in whose context may answer every request of a connection ({@link
   * org.authhost.api.AuthenticationFlags#REUSABLE_CONTEXT}) keeps here, made by {@code create} on
   * first use, and again in place of one whose version is draining (the client's next request goes
   * to the version in service; the old one's drain need not wait for the connection to close).
   * Released with the connection as a bound one is; no logon is remembered with it. Unlike a bound
   * one it holds no handshake, only a token the next request gets again: when its version begins to
   * drain, the session is released at once if no request is using it, else as that request ends
   * ({@link #keptLegEnded}), and the connection (an idle keep-alive, an RTSP session playing) stays
   * open. The caller's request uses it until then.
   *
   * @return null once the connection has closed
   */
  public AuthenticationSession kept(String pluginId, Supplier<AuthenticationSession> create) {
    AuthenticationSession old;
    synchronized (this) {
      if (closed) {
        return null;
      }
      old = bound.get(pluginId);
      if (old == null) {
        AuthenticationSession made = create.get();
        // The drain begins on the reloading thread, while the connection's loop may be taking the
        // session for a request: this object's lock decides which comes first.
        made.onDrainBegun(() -> releaseIfIdleAndDraining(pluginId, made));
        made.onDrainTimeout(() -> drop(pluginId, made));
        bound.put(pluginId, made);
        keptInUse = made;
        return made;
      }
      if (!old.versionDraining()) {
        keptInUse = old;
        return old;
      }
      bound.remove(pluginId);
    }
    old.release();
    return kept(pluginId, create);
  }

  /**
   * Drops a {@linkplain #kept kept} session (its plug-in did not answer SUCCESS, or its token no
   * longer stands for the account as it is): released, and the next request makes a new one.
   */
  public void drop(String pluginId, AuthenticationSession session) {
    synchronized (this) {
      if (keptInUse == session) {
        keptInUse = null;
      }
      if (bound.get(pluginId) == session) {
        bound.remove(pluginId);
      }
    }
    session.release();
  }

  /**
   * The request that took a {@linkplain #kept kept} session is done with it (it answered SUCCESS
   * and its token was checked): kept for the next request, or released now if its version began to
   * drain meanwhile.
   */
  public void keptLegEnded(String pluginId, AuthenticationSession session) {
    // Every request of a kept connection passes here: no lock unless the version is draining. The
    // mark is cleared before draining is read (keptInUse): a drain that began meanwhile either
    // sees the mark cleared and releases the session itself, or is seen here.
    if (keptInUse == session) {
      keptInUse = null;
    }
    if (session.versionDraining()) {
      releaseIfIdleAndDraining(pluginId, session);
    }
  }

  /**
   * Releases a kept session whose version is draining, unless a request is using it. The mark is
   * read under the lock: {@link #kept} reads {@code draining} before it sets the mark, so only the
   * lock orders a drain's check against a request taking the session.
   */
  private void releaseIfIdleAndDraining(String pluginId, AuthenticationSession session) {
    synchronized (this) {
      if (keptInUse == session || !releasable(pluginId, session)) {
        return;
      }
      bound.remove(pluginId);
    }
    session.release();
  }

  /** Whether {@code session} is still the connection's, and its version draining (under this). */
  private boolean releasable(String pluginId, AuthenticationSession session) {
    return session.versionDraining() && bound.get(pluginId) == session;
  }

  /**
   * The version of {@code session} stopped draining with it still open: the connection is closed
   * where the front can, and in any case forgets the session and the logon it carried, so that a
   * later request on it starts afresh with the version in service instead of reaching a released
   * context (and keeping the old version's class loader reachable).
   */
  private void drainTimedOut(String pluginId, AuthenticationSession session) {
    Runnable close;
    synchronized (this) {
      if (bound.get(pluginId) == session) {
        bound.remove(pluginId);
        if (pluginId.equals(authenticatedPlugin)) {
          authenticated = null;
          authenticatedPlugin = null;
          lastLogon = null;
        }
      }
      close = closer;
    }
    if (close != null) {
      close.run();
    }
  }

  /**
   * A connection-bound handshake waits for the client's next leg: {@code ended} runs once, when
   * that leg arrives ({@link #nextLegArrived}) or the connection closes first.
   *
   * @return false if one is already waiting (its {@code ended} stays the one to run)
   */
  public synchronized boolean awaitNextLeg(Runnable ended) {
    if (legAwaited != null || closed) {
      return false;
    }
    legAwaited = ended;
    return true;
  }

  /** Whether the connection has closed (its contexts released). */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** Whether a connection-bound handshake waits for the client's next leg. */
  public synchronized boolean awaitingNextLeg() {
    return legAwaited != null;
  }

  /** The client sent the leg a bound handshake waited for (if one did). */
  public void nextLegArrived() {
    Runnable ended;
    synchronized (this) {
      ended = legAwaited;
      legAwaited = null;
    }
    if (ended != null) {
      ended.run();
    }
  }

  /** A connection-bound handshake finished: later requests on it are this user. */
  public synchronized void authenticated(String plugin, AuthenticationOutcome outcome) {
    this.authenticatedPlugin = plugin;
    this.authenticated = outcome;
  }

  public synchronized AuthenticationOutcome authenticated() {
    return authenticated;
  }

  public synchronized String authenticatedPlugin() {
    return authenticatedPlugin;
  }

  /**
   * Whether a successful logon of {@code account} through {@code plugin} at {@code point} is new on
   * this connection: a keep-alive client that proves the same account on every request (Basic,
   * Digest, anonymous) is one logon to audit, not one per request. Another account, plug-in or
   * publishing point is a new logon, and so is the first success after a failure.
   */
  public synchronized boolean isNewLogon(String point, String plugin, String account) {
    LastLogon last = lastLogon;
    if (last != null
        && last.point().equals(point)
        && last.plugin().equals(plugin)
        && Objects.equals(last.account(), account)) {
      return false;
    }
    lastLogon = new LastLogon(point, plugin, account);
    return true;
  }

  /**
   * Whether {@code print} ({@link RefusedProof#print}) is the proof refused last on this connection
   * as a failed logon, one of its free repeats: the client sends the same guess again.
   */
  boolean refusedLast(byte[] print) {
    return refused.freeRepeat(print);
  }

  /** A proof refused here as a failed logon (answered 401), by its {@link RefusedProof#print}. */
  void refused(byte[] print) {
    refused.remember(print);
  }

  /** The logon last audited on this connection: compared per request, made only when new. */
  private record LastLogon(String point, String plugin, String account) {}

  /** A logon failed on this connection: the next success is audited whatever came before. */
  public synchronized void logonFailed() {
    lastLogon = null;
  }

  /**
   * The logon ended on this connection (its token expired): the next success is a new logon to
   * audit, also for the same account.
   */
  public synchronized void logonEnded() {
    lastLogon = null;
  }

  /** Drops a plug-in's bound session (a failed handshake starts over). */
  public synchronized void forget(String pluginId) {
    lastLogon = null;
    authenticated = null;
    authenticatedPlugin = null;
    AuthenticationSession session = bound.remove(pluginId);
    if (session != null) {
      session.release();
    }
  }

  /** The connection closed: every bound context is released, and with it its token. */
  public void close() {
    Map<String, AuthenticationSession> sessions;
    synchronized (this) {
      closed = true;
      keptInUse = null;
      sessions = Map.copyOf(bound);
      bound.clear();
      authenticated = null;
    }
    sessions.values().forEach(AuthenticationSession::release);
    nextLegArrived();
  }
}
