package org.authhost.host.tokens;

import org.authhost.api.HResult;
import org.authhost.api.TokenHandle;

/** A closed or unknown token handle was used: {@code SEC_E_INVALID_HANDLE}. */
public final class InvalidHandleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidHandleException(TokenHandle handle) {
    super(HResult.SEC_E_INVALID_HANDLE + ": " + handle + " is closed or was never issued");
  }

  /** Always {@link HResult#SEC_E_INVALID_HANDLE}. */
  public HResult hresult() {
    return HResult.SEC_E_INVALID_HANDLE;
  }
}
