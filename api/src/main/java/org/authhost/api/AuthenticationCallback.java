package org.authhost.api;

/**
 * Where a context reports the outcome of {@link AuthenticationContext#authenticate}.
 *
 * <p>WMS counterpart: {@code IWMSAuthenticationCallback}, implemented by the host. Call {@link
 * #onAuthenticateComplete} <b>exactly once</b> per {@code authenticate} call, even when {@code
 * authenticate} itself returns a failure, and from any thread. The host ignores (and reports) a
 * second call; a call that never comes ends the exchange with {@code ERROR} once the host's time
 * limit has passed.
 *
 * <p>"Exactly once" counts every method: an {@code Authenticate} ends with one call of {@link
 * #onAuthenticateComplete}, {@link #onAuthenticateRefused}, {@link #onAuthenticateForbidden} or
 * {@link #onAuthenticateBusy}, never two.
 */
public interface AuthenticationCallback {

  /**
   * {@code OnAuthenticateComplete}.
   *
   * @param result the outcome
   * @param challengeBlob for {@link AuthenticationResult#CONTINUE}: what the host sends to the
   *     client, unaltered (for HTTP, the text after the scheme in {@code WWW-Authenticate});
   *     otherwise {@code null} or empty (the {@code VT_EMPTY} of WMS). Also used on {@code SUCCESS}
   *     for a final server token (mutual authentication)
   * @param context the value received in {@code authenticate}, passed back unchanged
   * @return {@link HResult#S_OK}, or {@link HResult#E_UNEXPECTED} for a call the host ignored
   */
  HResult onAuthenticateComplete(AuthenticationResult result, byte[] challengeBlob, Object context);

  /**
   * A benign refusal: {@code OnAuthenticateComplete} with {@code DENIED} for a response that was no
   * guess at a credential, so the host neither audits it as a failed logon nor counts it towards a
   * lockout, and answers with {@code challengeBlob} (a fresh challenge) for the client to try
   * again. For a response that is malformed or truncated, a replay, or proves the right credentials
   * against an expired challenge (Digest's stale nonce, RFC 7616 §3.3). A wrong password is never
   * benign: report it with {@link #onAuthenticateComplete} and {@code DENIED}.
   *
   * <p>SSPI counterpart: {@code AcceptSecurityContext} failing with {@code SEC_E_INVALID_TOKEN}
   * (malformed) or {@code SEC_E_CONTEXT_EXPIRED} (stale), as opposed to {@code SEC_E_LOGON_DENIED};
   * WMS had no way to say it. The same as a {@code DENIED} callback with {@code Authenticate}
   * returning {@link HResult#S_FALSE}, but usable by a plug-in that calls back after {@code
   * Authenticate} has returned (from another thread), when the return value can no longer say
   * anything.
   *
   * <p>Counts as the one callback of the {@code Authenticate} call. The host honours it only from a
   * plug-in whose descriptor declares {@code api-version=1.3} or later; from an older one it is a
   * plain {@code DENIED}. The default, for a callback implemented by anything but a 1.3 host,
   * reports a plain {@code DENIED}: refusing as a failed logon is the safe reading.
   *
   * @param challengeBlob what the host sends the client, as for {@code DENIED} in {@link
   *     #onAuthenticateComplete} ({@code null} or empty for none)
   * @param context the value received in {@code authenticate}, passed back unchanged
   * @return {@link HResult#S_OK}, or {@link HResult#E_UNEXPECTED} for a call the host ignored
   * @since API 1.3
   */
  default HResult onAuthenticateRefused(byte[] challengeBlob, Object context) {
    return onAuthenticateComplete(AuthenticationResult.DENIED, challengeBlob, context);
  }

  /**
   * A refusal that no credential will mend: the request carries its whole proof (a signed URL, a
   * token in the URL) and the proof is final, but refused (expired, a bad signature, another path,
   * another client address). The host answers {@code 403 Forbidden} without any challenge (a new
   * {@code Authorization} cannot help; the client needs a new URL), audits a refusal (WARNING) with
   * {@code reason} and counts it towards no lockout: the proof is a signature, not a guess at a
   * password.
   *
   * <p>WMS counterpart: none for an authentication plug-in (it could only say {@code DENIED}, which
   * asks the client to log on again); the answer is what an authorization plug-in's {@code
   * E_ACCESSDENIED} gives ({@code IWMSEventAuthorizationCallback::OnAuthorizeEvent}). SSPI has no
   * status for it either: {@code AcceptSecurityContext}'s refusals all invite another token.
   *
   * <p>Counts as the one callback of the {@code Authenticate} call. The host honours it only from a
   * plug-in whose descriptor declares {@code api-version=1.4} or later; from an older one it is a
   * plain {@code DENIED}. The default, for a callback implemented by anything but a 1.4 host,
   * reports a plain {@code DENIED}.
   *
   * @param reason for the audit: why, in a few words a human reads ({@code "expired at
   *     2026-12-05T04:00:00Z"}); never the signature, token or secret itself. The host cuts it to
   *     200 characters and removes control characters
   * @param context the value received in {@code authenticate}, passed back unchanged
   * @return {@link HResult#S_OK}, or {@link HResult#E_UNEXPECTED} for a call the host ignored
   * @since API 1.4
   */
  default HResult onAuthenticateForbidden(String reason, Object context) {
    return onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
  }

  /**
   * Nothing was judged: a service the plug-in needs (the host's state store: full, or a shared
   * store that cannot be reached) cannot serve now. The host answers {@code 503} with {@code
   * Retry-After}, audits a refusal (the host was unavailable), not a failed logon, and counts it
   * towards no lockout. The same as an {@code ERROR} callback with {@code Authenticate} returning
   * {@link HResult#NS_E_NO_NEW_CONNECTIONS}, but usable by a plug-in that calls back after {@code
   * Authenticate} has returned (a state-store round trip that fails late), when the return value
   * can no longer say anything.
   *
   * <p>WMS counterpart: none ({@code OnAuthenticateComplete} with {@code ERROR} and an HRESULT of
   * {@code NS_E_NO_NEW_CONNECTIONS}, which the callback had no way to carry); SSPI's {@code
   * SEC_E_INSUFFICIENT_MEMORY}/{@code SEC_E_INTERNAL_ERROR} come closest.
   *
   * <p>Counts as the one callback of the {@code Authenticate} call. The default, for a callback
   * implemented by anything but a 1.4 host, reports a plain {@code ERROR}.
   *
   * @param context the value received in {@code authenticate}, passed back unchanged
   * @return {@link HResult#S_OK}, or {@link HResult#E_UNEXPECTED} for a call the host ignored
   * @since API 1.4
   */
  default HResult onAuthenticateBusy(Object context) {
    return onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
  }
}
