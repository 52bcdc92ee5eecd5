package org.authhost.host.tokens;

/** Checks an account's password against the local account store ({@code LogonUser}'s half). */
@FunctionalInterface
public interface PasswordCheck {
  /** The three answers: a password is right, wrong, or cannot be checked right now. */
  enum Result {
    MATCH,
    MISMATCH,
    BUSY
  }

  /** True only for an existing, enabled account whose password this is. */
  boolean verify(String accountName, String password);

  /**
   * Like {@link #verify}, but says {@link Result#BUSY} when the check could not run now (too many
   * slow hashes in progress): that is not a wrong password and must not count as one.
   */
  default Result check(String accountName, String password) {
    return verify(accountName, password) ? Result.MATCH : Result.MISMATCH;
  }
}
