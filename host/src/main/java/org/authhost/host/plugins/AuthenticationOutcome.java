package org.authhost.host.plugins;

import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.TokenHandle;

/**
 * How one {@code Authenticate} ended, as the host's wire layer needs it.
 *
 * @param result the plug-in's answer; {@code ERROR} also for every failure of the plug-in (fail
 *     closed)
 * @param challenge for {@code CONTINUE} the blob for the client; may carry a final server token on
 *     {@code SUCCESS}; otherwise empty
 * @param hresult {@link HResult#S_OK}, or why the exchange failed; for {@code DENIED}, {@link
 *     HResult#S_FALSE} marks a benign refusal (however the plug-in said it)
 * @param logicalUserId on success, {@code GetLogicalUserID}
 * @param accountName on success, {@code GetImpersonationAccountName}
 * @param token on success, the context's token handle (owned by the context; never close it)
 * @param accessToken on success, what the handle stands for
 * @param forbidden for {@code DENIED}, the plug-in's reason when it said no credential will help
 *     (API 1.4: {@code OnAuthenticateForbidden}); otherwise null
 * @param bulkheadFull for {@code ERROR} with {@link HResult#NS_E_NO_NEW_CONNECTIONS}, whether the
 *     host's bulkhead refused the call (the plug-in was never called), as opposed to the plug-in
 *     answering it because a service it needs (the shared state) could not serve
 */
public record AuthenticationOutcome(
    AuthenticationResult result,
    byte[] challenge,
    HResult hresult,
    String logicalUserId,
    String accountName,
    TokenHandle token,
    AccessToken accessToken,
    String forbidden,
    boolean bulkheadFull) {

  static final byte[] NONE = new byte[0];

  /** The plug-in's bulkhead was full: {@code NS_E_NO_NEW_CONNECTIONS}, the plug-in not called. */
  static AuthenticationOutcome refusedByBulkhead() {
    return new AuthenticationOutcome(
        AuthenticationResult.ERROR,
        NONE,
        HResult.NS_E_NO_NEW_CONNECTIONS,
        null,
        null,
        null,
        null,
        null,
        true);
  }

  static AuthenticationOutcome error(HResult why) {
    return new AuthenticationOutcome(
        AuthenticationResult.ERROR, NONE, why, null, null, null, null, null, false);
  }

  static AuthenticationOutcome of(AuthenticationResult result, byte[] challenge) {
    return new AuthenticationOutcome(
        result, challenge, HResult.S_OK, null, null, null, null, null, false);
  }

  static AuthenticationOutcome denied(byte[] challenge, boolean benign) {
    return new AuthenticationOutcome(
        AuthenticationResult.DENIED,
        challenge,
        benign ? HResult.S_FALSE : HResult.S_OK,
        null,
        null,
        null,
        null,
        null,
        false);
  }

  /** A refusal no credential will mend (API 1.4): {@code E_ACCESSDENIED} with the reason. */
  static AuthenticationOutcome forbidden(String reason) {
    return new AuthenticationOutcome(
        AuthenticationResult.DENIED,
        NONE,
        HResult.E_ACCESSDENIED,
        null,
        null,
        null,
        null,
        reason,
        false);
  }

  /**
   * A refusal that is not a wrong credential (API 1.3: {@code OnAuthenticateRefused}, or DENIED
   * with {@code S_FALSE} returned, as for a stale Digest nonce): neither audited as a failed logon
   * nor counted toward a lockout.
   */
  public boolean benign() {
    return result == AuthenticationResult.DENIED && HResult.S_FALSE.equals(hresult);
  }

  /**
   * A refusal that no credential will mend (API 1.4: {@code OnAuthenticateForbidden}): answered 403
   * without a challenge, audited with {@link #forbidden} as the reason, counted towards no lockout.
   */
  public boolean isForbidden() {
    return result == AuthenticationResult.DENIED && forbidden != null;
  }
}
