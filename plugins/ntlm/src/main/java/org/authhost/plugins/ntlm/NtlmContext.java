package org.authhost.plugins.ntlm;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * One connection's NTLM exchange ({@code IWMSAuthenticationContext}): the host keeps it for the
 * whole keep-alive connection (NTLM is connection-bound, MS-NTHT §3) and gives it each leg. The
 * tokens travel base64-encoded after the scheme name (MS-NTHT §2.2).
 *
 * <ul>
 *   <li>Empty response: CONTINUE with an empty blob, so the first 401 is a bare {@code
 *       WWW-Authenticate: NTLM}; any half-done handshake is dropped.
 *   <li>NEGOTIATE (also on the very first request, as curl sends it): CONTINUE with the CHALLENGE.
 *   <li>A proven AUTHENTICATE: the host's {@code logonUser} for the account, SUCCESS; the token is
 *       this context's until {@link #release()}.
 *   <li>Anything refused: DENIED without a blob (the host then asks for a fresh bare challenge), an
 *       INFORMATION event with the reason, and {@code S_OK} when an AUTHENTICATE named the user,
 *       else {@code S_FALSE} (API 1.3: malformed, no guess at a password, counted by no lockout).
 *   <li>A host service failing: an ERROR event, ERROR, and {@code NS_E_PLUGIN_ERROR_REPORTED}.
 * </ul>
 */
final class NtlmContext implements AuthenticationContext {
  /** Base64 of the largest token the mechanism reads; anything longer is refused unread. */
  static final int MAX_BASE64 = (MessageReader.MAX_MESSAGE + 2) / 3 * 4;

  private final AuthenticationPlugin plugin;
  private final NtlmMechanism mechanism;
  private final OwnedToken token;
  private final PluginEvents events;

  private NtlmExchange exchange;
  private volatile String account;

  NtlmContext(
      AuthenticationPlugin plugin,
      NtlmMechanism mechanism,
      TokenService tokens,
      PluginEvents events) {
    this.plugin = plugin;
    this.mechanism = mechanism;
    this.token = new OwnedToken(tokens);
    this.events = events;
    this.exchange = mechanism.newExchange();
  }

  /** The callback's arguments and Authenticate's return value. */
  private record Outcome(AuthenticationResult result, byte[] blob, HResult hr) {}

  private static final Outcome DENIED =
      new Outcome(AuthenticationResult.DENIED, null, HResult.S_OK);

  /** A refusal that is no guess at a password. */
  private static final Outcome MALFORMED =
      new Outcome(AuthenticationResult.DENIED, null, HResult.S_FALSE);

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
      outcome = decide(responseBlob, user);
    } catch (RuntimeException fault) {
      outcome =
          new Outcome(
              AuthenticationResult.ERROR,
              null,
              events.error(
                  HResult.E_UNEXPECTED,
                  "NTLM could not check a response: " + fault.getClass().getName()));
    } finally {
      // Exactly once on every path; the context value goes back unchanged.
      callback.onAuthenticateComplete(outcome.result(), outcome.blob(), context);
    }
    return outcome.hr();
  }

  private synchronized Outcome decide(byte[] blob, UserContext user) {
    if (token.isReleased()) {
      return new Outcome(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    if (blob.length == 0) {
      exchange = mechanism.newExchange();
      return new Outcome(AuthenticationResult.CONTINUE, new byte[0], HResult.S_OK);
    }
    String text = new String(blob, StandardCharsets.ISO_8859_1).strip();
    NtlmStep step;
    if (text.length() > MAX_BASE64) {
      step =
          new NtlmStep.Refused(
              "an NTLM token of "
                  + text.length()
                  + " base64 characters; at most "
                  + MAX_BASE64
                  + " are accepted");
    } else {
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        raw = null;
      }
      step =
          raw == null ? new NtlmStep.Refused("the NTLM token is not base64") : exchange.accept(raw);
    }
    if (step instanceof NtlmStep.Challenge challenge) {
      byte[] line =
          Base64.getEncoder()
              .encodeToString(challenge.token())
              .getBytes(StandardCharsets.ISO_8859_1);
      return new Outcome(AuthenticationResult.CONTINUE, line, HResult.S_OK);
    }
    if (step instanceof NtlmStep.Authenticated ok) {
      return logOn(ok, user);
    }
    if (step instanceof NtlmStep.Failed failed) {
      return new Outcome(
          AuthenticationResult.ERROR,
          null,
          events.error(failed.code(), "NTLM failed: " + failed.detail()));
    }
    NtlmStep.Refused refused = (NtlmStep.Refused) step;
    String reason = refused.reason();
    String name = refused.user();
    boolean named = name != null && !name.isEmpty();
    if (named) {
      user.setUserName(name); // so that the host's lockout counts the failure against the account
    }
    events.refused(
        "NTLM logon from "
            + user.ipAddress()
            + (name == null || name.isEmpty() ? "" : " as " + AuthenticateVerifier.shown(name))
            + " refused: "
            + reason);
    // A refusal before the AUTHENTICATE named anyone (not base64, a malformed or out-of-turn
    // message) tried no password: benign (API 1.3), so garbage locks nothing.
    return named ? DENIED : MALFORMED;
  }

  private Outcome logOn(NtlmStep.Authenticated ok, UserContext user) {
    HResult hr = token.logOn(ok.account(), NtlmAuthenticationPlugin.PACKAGE);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      // Disabled or deleted since its NT hash was read a moment ago.
      events.refused(
          "NTLM logon as "
              + AuthenticateVerifier.shown(ok.account())
              + " refused: the host no longer logs this account on");
      return DENIED;
    }
    if (hr.equals(HResult.NS_E_NO_NEW_CONNECTIONS)) {
      // The host is too busy now: not the client's fault and not a broken plug-in.
      return new Outcome(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    if (hr.failed()) {
      return new Outcome(
          AuthenticationResult.ERROR,
          null,
          events.error(hr, "the host's logonUser for an NTLM-verified account answered " + hr));
    }
    account = ok.account();
    user.setUserName(ok.account());
    return new Outcome(AuthenticationResult.SUCCESS, null, HResult.S_OK);
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
    synchronized (this) {
      exchange = null;
    }
    token.release();
  }
}
