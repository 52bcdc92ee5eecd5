package org.authhost.host.tokens;

/**
 * Whether an account's lockout is in force now, for the password check: a locked account's check
 * must not tell a right password from a wrong one, in its answer or in its time.
 */
@FunctionalInterface
public interface AccountLockouts {
  /** None in force: for a verifier used without a host (tests, the plug-in kit). */
  AccountLockouts NONE = account -> false;

  /**
   * Whether attempts for {@code account} ({@code name}, {@code DOMAIN\name} or {@code name@domain},
   * as the client wrote it) are refused now.
   */
  boolean accountLockedOut(String account);
}
