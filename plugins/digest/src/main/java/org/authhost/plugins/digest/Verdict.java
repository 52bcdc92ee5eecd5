package org.authhost.plugins.digest;

import org.authhost.api.HResult;

/** What {@link DigestVerifier} decided about one response; {@link DigestContext} acts on it. */
sealed interface Verdict {

  /**
   * The response is right, fresh and not replayed.
   *
   * @param account the local account to log on
   * @param authenticationInfo the {@code Authentication-Info} value as octets, possibly empty
   */
  record Success(String account, byte[] authenticationInfo) implements Verdict {}

  /**
   * The client is refused (DENIED).
   *
   * @param refusal for an INFORMATION event when the request itself was bad; {@code null} when the
   *     host's audit says enough (wrong password, unknown user) or nothing went wrong (a stale
   *     nonce)
   * @param stale answer {@code stale=true}: the digest was right, only the nonce was not
   * @param sameNonce the nonce the new challenges offer again, or null for a fresh one (a wrong RFC
   *     2069 response over RTSP, see DigestVerifier)
   */
  record Denied(Refusal refusal, boolean stale, String sameNonce) implements Verdict {
    Denied(Refusal refusal, boolean stale) {
      this(refusal, stale, null);
    }
  }

  /**
   * The plug-in cannot work (its host service failed): an ERROR event, and the plug-in goes out of
   * service.
   *
   * @param code the failure to record
   * @param text the event text, naming the fix
   */
  record Fault(HResult code, String text) implements Verdict {}

  /**
   * The host cannot take more now (its state store is full): ERROR without an event, which the host
   * answers 503 with {@code Retry-After}. Neither the client's fault nor the plug-in's.
   */
  record Busy() implements Verdict {}
}
