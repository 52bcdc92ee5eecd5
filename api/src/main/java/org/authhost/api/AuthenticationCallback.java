package org.authhost.api;

/**
 * Where a context reports the outcome of {@link AuthenticationContext#authenticate}.
 *
 * <p>WMS counterpart: {@code IWMSAuthenticationCallback}, implemented by the host. Call {@link
 * #onAuthenticateComplete} <b>exactly once</b> per {@code authenticate} call, even when {@code
 * authenticate} itself returns a failure, and from any thread. The host ignores (and reports) a
 * second call; a call that never comes ends the exchange with {@code ERROR} once the host's time
 * limit has passed.
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
}
