package org.authhost.host.tokens;

import org.authhost.api.AccessToken;
import org.authhost.api.HResult;
import org.authhost.api.TokenHandle;

/**
 * A token past its {@code expiresAt} on the host's clock was to be impersonated: {@code
 * SEC_E_CONTEXT_EXPIRED}, as for a logon session whose Kerberos ticket has ended. The client must
 * log on again; the handle itself stays the context's to close.
 */
public final class ExpiredTokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ExpiredTokenException(TokenHandle handle, AccessToken token) {
    super(
        HResult.SEC_E_CONTEXT_EXPIRED
            + ": "
            + handle
            + " of "
            + token.accountName()
            + " expired at "
            + token.expiresAt());
  }

  /** Always {@link HResult#SEC_E_CONTEXT_EXPIRED}. */
  public HResult hresult() {
    return HResult.SEC_E_CONTEXT_EXPIRED;
  }
}
