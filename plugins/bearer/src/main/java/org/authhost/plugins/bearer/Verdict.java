package org.authhost.plugins.bearer;

/** What checking one bearer token decided. */
sealed interface Verdict {
  /** Signature, issuer, audience and times are right. */
  record Valid(VerifiedToken token) implements Verdict {}

  /** A right token whose time is over: a benign refusal, the client fetches a new one. */
  record Expired(String description) implements Verdict {}

  /**
   * Not a token for this host. {@code guess}: a forgery (a known key's signature does not match),
   * which counts as a failed logon; otherwise a benign refusal (malformed, another audience, an
   * unknown key).
   */
  record Invalid(String description, boolean guess) implements Verdict {}

  /** The provider's keys cannot be had: nothing can be verified, so nothing is accepted (503). */
  record Unavailable(String why) implements Verdict {}
}
