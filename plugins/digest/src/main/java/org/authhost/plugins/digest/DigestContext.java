package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
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
 * to a connection. All state that must outlive the request (nonces, counts) is in the plug-in's
 * {@link DigestVerifier}; the context owns only its token.
 *
 * <ul>
 *   <li>Empty response: CONTINUE with the challenges.
 *   <li>Right response: the host's {@code logonUser} for the account, SUCCESS with the {@code
 *       Authentication-Info} value as the blob; the token is this context's until {@link
 *       #release()}.
 *   <li>Wrong response: DENIED with fresh challenges and {@code S_OK} (a failed logon).
 *   <li>Bad, replayed or stale response: DENIED with fresh challenges ({@code stale=true} when only
 *       the nonce was wrong) and {@code S_FALSE} (API 1.3: not a guess, so no lockout counts it),
 *       an INFORMATION event naming the reason for a bad one (counted into a summary when the same
 *       address keeps sending them, see {@link RefusalLog}).
 *   <li>A host service failing: an ERROR event, ERROR, and {@code NS_E_PLUGIN_ERROR_REPORTED}.
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

  /** The callback's arguments and Authenticate's return value. */
  private record Outcome(AuthenticationResult result, String blob, HResult hr) {}

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
    Outcome outcome = new Outcome(AuthenticationResult.ERROR, null, HResult.E_UNEXPECTED);
    try {
      outcome = decide(responseBlob, user, command);
    } catch (RuntimeException fault) {
      // A host service failed under us (the account store unreadable, say): our own error event,
      // and NS_E_PLUGIN_ERROR_REPORTED so that the host does not log it a second time.
      outcome =
          new Outcome(
              AuthenticationResult.ERROR,
              null,
              events.error(HResult.E_UNEXPECTED, "Digest could not check a response: " + fault));
    } finally {
      // Exactly once on every path, also if decide throws (a bug: the host then records it).
      byte[] blob =
          outcome.blob() == null || outcome.blob().isEmpty()
              ? null
              : outcome.blob().getBytes(StandardCharsets.ISO_8859_1);
      callback.onAuthenticateComplete(outcome.result(), blob, context);
    }
    return outcome.hr();
  }

  private Outcome decide(byte[] blob, UserContext user, CommandContext command) {
    if (blob.length == 0) {
      return new Outcome(AuthenticationResult.CONTINUE, verifier.challenges(false), HResult.S_OK);
    }
    Verdict verdict = verifier.verify(blob, command, user);
    if (verdict instanceof Verdict.Denied denied) {
      if (denied.refusal() != null) {
        refusals.refused(user.ipAddress(), denied.refusal());
      }
      return new Outcome(
          AuthenticationResult.DENIED,
          verifier.challenges(denied.stale()),
          // API 1.3: a stale nonce (the credentials were right), a malformed response and a
          // replay are benign refusals, no guess at a password, which the host neither audits as
          // a failed logon nor counts toward a lockout. A wrong digest is S_OK: a failed logon.
          denied.stale() || denied.refusal() != null ? HResult.S_FALSE : HResult.S_OK);
    }
    if (verdict instanceof Verdict.Fault fault) {
      return new Outcome(
          AuthenticationResult.ERROR, null, events.error(fault.code(), fault.text()));
    }
    Verdict.Success success = (Verdict.Success) verdict;
    return logOn(success.account(), success.authenticationInfo());
  }

  private Outcome logOn(String name, String authenticationInfo) {
    HResult hr = token.logOn(name, DigestAuthenticationPlugin.PACKAGE);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      // Disabled or deleted since its secret was read a moment ago.
      return new Outcome(AuthenticationResult.DENIED, verifier.challenges(false), HResult.S_OK);
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
