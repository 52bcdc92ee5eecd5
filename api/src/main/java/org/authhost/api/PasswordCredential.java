package org.authhost.api;

/**
 * A user name and password a client gave outside the authentication header (see {@link
 * CommandContext#passwordCredential()}).
 *
 * <p>Windows counterpart: {@code SEC_WINNT_AUTH_IDENTITY} (user, domain, password) as passed to
 * {@code AcquireCredentialsHandle}; here the domain is part of the user name ({@code
 * SERVER\alice}), as {@code LogonUser} reads it.
 *
 * @param userName the user name as given
 * @param password the password as given
 * @since API 1.3
 */
public record PasswordCredential(String userName, String password) {

  /** Both are required; a missing one is no credential. */
  public PasswordCredential {
    if (userName == null || password == null) {
      throw new IllegalArgumentException("a password credential needs a user name and a password");
    }
  }

  /** Never shows the password, so that a credential logged by mistake gives nothing away. */
  @Override
  public String toString() {
    return "PasswordCredential[" + userName + "]";
  }
}
