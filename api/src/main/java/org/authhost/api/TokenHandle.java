package org.authhost.api;

/**
 * A handle to an access token in the host's handle table.
 *
 * <p>Windows counterpart: the token {@code HANDLE} that {@code GetImpersonationToken} returns cast
 * to {@code long}. A handle is valid from {@link TokenService#logonUser} until {@link
 * TokenService#closeHandle}; afterwards, and for any value the host never issued, every use answers
 * {@link HResult#SEC_E_INVALID_HANDLE}. Values are never reused within a host's life.
 *
 * @param value the opaque handle value
 */
public record TokenHandle(long value) {
  @Override
  public String toString() {
    return String.format("TokenHandle[0x%X]", value);
  }
}
