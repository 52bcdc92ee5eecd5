package org.authhost.host.authn;

import java.util.function.Predicate;
import java.util.function.Supplier;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationFlags;
import org.authhost.host.plugins.AuthenticationOutcome;
import org.authhost.host.plugins.AuthenticationSession;
import org.authhost.host.plugins.PluginView;

/**
 * A context that a client's connection keeps for a plug-in whose one context may answer the
 * connection's later requests, as WMS kept one context per client: an anonymous plug-in's by {@link
 * AuthenticationFlags#REUSABLE_CONTEXT} (its answer depends on nothing a request carries), any
 * other's by {@link AuthenticationFlags#REVERIFYING_CONTEXT} (Digest: each request's own
 * credentials verified in full by the same context). The one mechanism both use: taken before a
 * leg, with the token it holds checked against the account as it is now first, so that a context
 * whose logon no longer stands is never asked (a reverifying one's answer could not be asked again
 * of a new context: the request's proof would be spent); dropped when it answers anything but
 * SUCCESS.
 *
 * <p>It relies on its front deciding one request of a connection at a time (the HTTP front's {@code
 * RequestSequencer}, the RTSP front's {@code RtspAuthentication}, the console's handler): two legs
 * at once on one context could let the second's logon replace the token between the first's answer
 * and its {@code GetImpersonationToken}, one user served with another's token. A front that decides
 * pipelined requests concurrently must not keep contexts.
 *
 * @param held the token the context held before this leg, as it stood then; null for a context that
 *     has not answered SUCCESS yet
 */
record KeptContext(
    ClientConnection connection, String pluginId, AuthenticationSession session, AccessToken held) {

  /**
   * Whether {@code a}'s connection may keep {@code plugin}'s context: never on a streaming server's
   * call, whose one connection carries many clients.
   */
  static boolean allowed(AuthenticationDriver.Attempt a, PluginView plugin) {
    int flags = plugin.flags();
    return a.onBehalf() == null
        && AuthenticationFlags.has(
            flags,
            AuthenticationFlags.has(flags, AuthenticationFlags.ANONYMOUS)
                ? AuthenticationFlags.REUSABLE_CONTEXT
                : AuthenticationFlags.REVERIFYING_CONTEXT);
  }

  /**
   * The connection's kept context for {@code pluginId}, made by {@code create} on first use (and in
   * place of one whose plug-in version is draining). One whose token no longer {@code stands} (the
   * account disabled, deleted, moved to other groups, or the proof behind it ended) is released and
   * replaced before it is asked: the request then meets a new context, as on a new connection.
   *
   * @return null once the connection has closed
   */
  static KeptContext take(
      ClientConnection connection,
      String pluginId,
      Supplier<AuthenticationSession> create,
      Predicate<AccessToken> stands) {
    AuthenticationSession session = connection.kept(pluginId, create);
    if (session == null) {
      return null;
    }
    AccessToken held = session.heldToken();
    if (held != null && !stands.test(held)) {
      connection.drop(pluginId, session);
      session = connection.kept(pluginId, create);
      if (session == null) {
        return null;
      }
      held = null;
    }
    return new KeptContext(connection, pluginId, session, held);
  }

  /** Ends it (it did not answer SUCCESS): released, and the next request makes a new one. */
  void drop() {
    connection.drop(pluginId, session);
  }

  /**
   * Hands it back to its connection once its SUCCESS's token was checked: kept for the next
   * request, or released if its version began to drain while this request used it.
   */
  void legEnded() {
    connection.keptLegEnded(pluginId, session);
  }

  /**
   * Whether {@code outcome}, a SUCCESS of this context, answered with the token the context held
   * before this leg: the same logon again, not a new one.
   */
  boolean sameLogon(AuthenticationOutcome outcome) {
    return held != null && outcome.accessToken() == held;
  }
}
