package org.authhost.host.tokens;

/** Checks an account's password against the local account store ({@code LogonUser}'s half). */
@FunctionalInterface
public interface PasswordCheck {
  /** True only for an existing, enabled account whose password this is. */
  boolean verify(String accountName, String password);
}
