package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;
import org.authhost.api.support.OwnedToken;
import org.authhost.api.support.PluginEvents;

/**
 * One Digest exchange ({@code IWMSAuthenticationContext}): one request, since Digest is not bound
 * to a connection, or, kept by the host for a client's connection ({@code REVERIFYING_CONTEXT}, API
 * 1.7), each of its requests in turn. All state that must outlive the request (nonces, counts) is
 * in the host's state service, reached through the plug-in's {@link DigestVerifier}; the context
 * owns only its token and the account it logged on. Every request is verified in full, its nonce
 * count claimed as on a new context; a right response for the account the context holds answers
 * with the token it holds, any other account's is logged on afresh. The callback comes before
 * {@code authenticate} returns when the store answers at once (the host's local one), else from the
 * store's thread, a benign refusal then through {@code onAuthenticateRefused}.
 *
 * <ul>
 *   <li>Empty response: CONTINUE with the challenges.
 *   <li>Right response: the host's {@code logonUser} for the account, SUCCESS with the {@code
 *       Authentication-Info} value as the blob; the token is this context's until {@link
 *       #release()}.
 *   <li>Wrong response: DENIED with fresh challenges and {@code S_OK} (a failed logon); over RTSP
 *       in the RFC 2069 form, the challenges keep the refused response's nonce while it is fresh,
 *       so that a player's retry of the same password is the same octets (see {@link
 *       DigestVerifier}).
 *   <li>Bad, replayed or stale response: DENIED with fresh challenges ({@code stale=true} when only
 *       the nonce was wrong) and {@code S_FALSE} (API 1.3: not a guess, so no lockout counts it),
 *       an INFORMATION event naming the reason for a bad one (counted into a summary when the same
 *       address keeps sending them, see {@link RefusalLog}).
 *   <li>A host service failing: an ERROR event, ERROR, and {@code NS_E_PLUGIN_ERROR_REPORTED}; the
 *       state service full: ERROR without an event (the host answers 503).
 * </ul>
 */
final class DigestContext implements AuthenticationContext {
  private final AuthenticationPlugin plugin;
  private final OwnedToken token;
  private final DigestVerifier verifier;
  private final PluginEvents events;
  private final RefusalLog refusals;

  private volatile String account;

  DigestContext(
      AuthenticationPlugin plugin,
      TokenService tokens,
      DigestVerifier verifier,
      PluginEvents events,
      RefusalLog refusals) {
    this.plugin = plugin;
    this.token = new OwnedToken(tokens);
    this.verifier = verifier;
    this.events = events;
    this.refusals = refusals;
  }

  /**
   * The callback's arguments and Authenticate's return value.
   *
   * @param blob the challenges or the {@code Authentication-Info} value as octets, or null
   */
  private record Outcome(AuthenticationResult result, byte[] blob, HResult hr) {}

  /** Fresh challenges, as the octets of a CONTINUE or DENIED. */
  private byte[] challenges(boolean stale, boolean rtsp) {
    return verifier.challenges(stale, rtsp).getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public HResult getAuthenticationPlugin(Out<AuthenticationPlugin> out) {
    out.set(plugin);
    return HResult.S_OK;
  }

  @Override
  public HResult authenticate(
      byte[] responseBlob,
      UserContext user,
      PresentationContext presentation,
      CommandContext command,
      AuthenticationCallback callback,
      Object context) {
    CompletableFuture<Outcome> decided = null;
    try {
      decided = decide(responseBlob, user, command).toCompletableFuture();
    } catch (RuntimeException fault) {
      decided = CompletableFuture.completedFuture(faulted(fault));
    } finally {
      if (decided == null) {
        // An Error (a bug: the host then records it): still exactly one callback.
        deliver(
            callback,
            new Outcome(AuthenticationResult.ERROR, null, HResult.E_UNEXPECTED),
            context,
            false);
      }
    }
    if (!decided.isDone()) {
      // The state service is still answering (a shared store): the callback comes from its
      // thread, and the return value can no longer say anything.
      decided.whenComplete(
          (outcome, failure) -> deliver(callback, outcomeOf(outcome, failure), context, true));
      return HResult.S_OK;
    }
    Outcome outcome = outcomeOf(decided);
    deliver(callback, outcome, context, false);
    return outcome.hr();
  }

  private Outcome outcomeOf(CompletableFuture<Outcome> done) {
    try {
      return done.join();
    } catch (CompletionException | CancellationException e) {
      return faulted(e.getCause() == null ? e : e.getCause());
    }
  }

  private Outcome outcomeOf(Outcome outcome, Throwable failure) {
    return failure == null
        ? outcome
        : faulted(
            failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure);
  }

  /**
   * A host service failed under us (the account store unreadable, say): our own error event, and
   * NS_E_PLUGIN_ERROR_REPORTED so that the host does not log it a second time.
   */
  private Outcome faulted(Throwable fault) {
    return new Outcome(
        AuthenticationResult.ERROR,
        null,
        events.error(HResult.E_UNEXPECTED, "Digest could not check a response: " + fault));
  }

  /**
   * The one callback of an {@code authenticate}. Later than its return, a benign refusal can only
   * say so through {@code onAuthenticateRefused}.
   */
  private static void deliver(
      AuthenticationCallback callback, Outcome outcome, Object context, boolean late) {
    byte[] blob = outcome.blob() == null || outcome.blob().length == 0 ? null : outcome.blob();
    if (late
        && outcome.result() == AuthenticationResult.DENIED
        && outcome.hr().equals(HResult.S_FALSE)) {
      callback.onAuthenticateRefused(blob, context);
    } else if (late
        && outcome.result() == AuthenticationResult.ERROR
        && outcome.hr().equals(HResult.NS_E_NO_NEW_CONNECTIONS)) {
      // The state store failed after Authenticate returned: busy, not a failed logon.
      callback.onAuthenticateBusy(context);
    } else {
      callback.onAuthenticateComplete(outcome.result(), blob, context);
    }
  }

  private CompletionStage<Outcome> decide(byte[] blob, UserContext user, CommandContext command) {
    boolean rtsp = DigestVerifier.rtsp(user);
    if (blob.length == 0) {
      return CompletableFuture.completedFuture(
          new Outcome(AuthenticationResult.CONTINUE, challenges(false, rtsp), HResult.S_OK));
    }
    CompletableFuture<Verdict> verdict = verifier.verify(blob, command, user).toCompletableFuture();
    if (verdict.isDone() && !verdict.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(act(verdict.join(), user, rtsp));
    }
    return verdict.thenApply(v -> act(v, user, rtsp));
  }

  private Outcome act(Verdict verdict, UserContext user, boolean rtsp) {
    if (verdict instanceof Verdict.Denied denied) {
      if (denied.refusal() != null) {
        refusals.refused(user.ipAddress(), denied.refusal());
      }
      return new Outcome(
          AuthenticationResult.DENIED,
          denied.sameNonce() == null
              ? challenges(denied.stale(), rtsp)
              : verifier
                  .challenges(denied.sameNonce(), false, rtsp)
                  .getBytes(StandardCharsets.ISO_8859_1),
          // API 1.3: a stale nonce (the credentials were right), a malformed response and a
          // replay are benign refusals, no guess at a password, which the host neither audits as
          // a failed logon nor counts toward a lockout. A wrong digest is S_OK: a failed logon.
          denied.stale() || denied.refusal() != null ? HResult.S_FALSE : HResult.S_OK);
    }
    if (verdict instanceof Verdict.Fault fault) {
      return new Outcome(
          AuthenticationResult.ERROR, null, events.error(fault.code(), fault.text()));
    }
    if (verdict instanceof Verdict.Busy) {
      // The state store is full or unreachable: the host answers 503 busy and audits no failed
      // logon (nothing was judged of the credentials): by the return value, or by
      // onAuthenticateBusy when the answer comes later (a Redis round trip that fails late).
      return new Outcome(AuthenticationResult.ERROR, null, HResult.NS_E_NO_NEW_CONNECTIONS);
    }
    Verdict.Success success = (Verdict.Success) verdict;
    return logOn(success.account(), success.authenticationInfo(), rtsp);
  }

  private Outcome logOn(String name, byte[] authenticationInfo, boolean rtsp) {
    if (name.equals(account) && token.isHeld()) {
      // Kept for the client's connection (REVERIFYING_CONTEXT), this context has just verified the
      // account it logged on in full: the token it holds answers, with no new logon. Another
      // account's proof falls through to its own logon, which replaces (and closes) the old token.
      return new Outcome(AuthenticationResult.SUCCESS, authenticationInfo, HResult.S_OK);
    }
    HResult hr = token.logOn(name, DigestAuthenticationPlugin.PACKAGE);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      // Disabled or deleted since its secret was read a moment ago.
      return new Outcome(AuthenticationResult.DENIED, challenges(false, rtsp), HResult.S_OK);
    }
    if (hr.equals(HResult.NS_E_NO_NEW_CONNECTIONS)) {
      // The host is too busy now: not the client's fault and not a broken plug-in.
      return new Outcome(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    if (hr.equals(HResult.SEC_E_INVALID_HANDLE)) {
      // Released while the logon ran: the connection is gone, nobody to answer.
      return new Outcome(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    if (hr.failed()) {
      return new Outcome(
          AuthenticationResult.ERROR,
          null,
          events.error(hr, "the host's logonUser for account '" + name + "' answered " + hr));
    }
    account = name;
    return new Outcome(AuthenticationResult.SUCCESS, authenticationInfo, HResult.S_OK);
  }

  @Override
  public HResult getLogicalUserId(Out<String> out) {
    out.set(account);
    return HResult.S_OK;
  }

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return token.handOut(out);
  }

  @Override
  public void release() {
    token.release();
  }
}
