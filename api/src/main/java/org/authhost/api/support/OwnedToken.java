package org.authhost.api.support;

import java.time.Instant;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;

/**
 * The token handle an authentication context owns, with the ownership rule written once.
 *
 * <p>SSPI counterpart: the token behind {@code SpGetContextTokenFn}. The context logs the user on
 * (or adopts a handle it obtained), hands the same handle out on every {@link
 * AuthenticationContext#getImpersonationToken} without duplicating it, and closes it exactly once
 * in {@link AuthenticationContext#release()}; from then on the context answers {@link
 * HResult#SEC_E_INVALID_HANDLE}. A second logon on the same context replaces the handle and closes
 * the old one, and a logon that completes after the context was released closes its new handle at
 * once, so no path leaks a handle.
 *
 * <p>Thread-safe: the host may ask for the token on one thread while a late {@code release} runs on
 * another. The slow part of a password logon runs outside the lock.
 *
 * @since API 1.3
 */
public final class OwnedToken {
  private final TokenService tokens;
  private final Object lock = new Object();
  private TokenHandle handle;
  private boolean released;

  /**
   * @param tokens the host's token service, from {@code ServerContext.tokenService()}
   */
  public OwnedToken(TokenService tokens) {
    this.tokens = tokens;
  }

  /**
   * {@code LogonUser} for an account the plug-in has verified itself, keeping the handle.
   *
   * @return {@link HResult#S_OK}; the token service's failure ({@link HResult#E_LOGON_FAILURE} for
   *     an unknown or disabled account); {@link HResult#SEC_E_INVALID_HANDLE} if the context was
   *     released meanwhile
   */
  public HResult logOn(String accountName, String authenticationPackage) {
    Out<TokenHandle> issued = new Out<>();
    HResult hr = tokens.logonUser(accountName, authenticationPackage, issued);
    return hr.failed() ? hr : adopt(issued.get());
  }

  /**
   * {@code LogonUser} for an account the plug-in has verified with a proof that ends at {@code
   * expiresAt}, keeping the handle (see {@link TokenService#logonUser(String, String, Instant,
   * Out)}).
   *
   * @return {@link HResult#S_OK}; the token service's failure ({@link
   *     HResult#SEC_E_CONTEXT_EXPIRED} once {@code expiresAt} has passed, {@link
   *     HResult#E_LOGON_FAILURE} for an unknown or disabled account); {@link
   *     HResult#SEC_E_INVALID_HANDLE} if the context was released meanwhile
   * @since API 1.4
   */
  public HResult logOn(String accountName, String authenticationPackage, Instant expiresAt) {
    Out<TokenHandle> issued = new Out<>();
    HResult hr = tokens.logonUser(accountName, authenticationPackage, expiresAt, issued);
    return hr.failed() ? hr : adopt(issued.get());
  }

  /**
   * {@code LogonUser} with a password, checked by the host against its account store, keeping the
   * handle.
   *
   * @return as {@link TokenService#logonUser(String, String, String, Out)}, or {@link
   *     HResult#SEC_E_INVALID_HANDLE} if the context was released meanwhile
   */
  public HResult logOn(String accountName, String password, String authenticationPackage) {
    Out<TokenHandle> issued = new Out<>();
    HResult hr = tokens.logonUser(accountName, password, authenticationPackage, issued);
    return hr.failed() ? hr : adopt(issued.get());
  }

  /**
   * Takes ownership of a handle the plug-in obtained from the token service itself.
   *
   * @return {@link HResult#S_OK}, or {@link HResult#SEC_E_INVALID_HANDLE} (and the handle is
   *     closed) if the context was already released
   */
  public HResult adopt(TokenHandle issued) {
    if (issued == null) {
      return HResult.E_POINTER;
    }
    TokenHandle closing;
    boolean accepted;
    synchronized (lock) {
      if (issued.equals(handle) && !released) {
        return HResult.S_OK; // already ours: nothing to replace, nothing to close
      }
      accepted = !released;
      closing = accepted ? handle : issued;
      if (accepted) {
        handle = issued;
      }
    }
    if (closing != null) {
      tokens.closeHandle(closing);
    }
    return accepted ? HResult.S_OK : HResult.SEC_E_INVALID_HANDLE;
  }

  /**
   * {@code GetImpersonationToken}: puts the owned handle, not a duplicate, into {@code out}.
   *
   * @return {@link HResult#S_OK}; {@link HResult#SEC_E_NO_IMPERSONATION} before a logon; {@link
   *     HResult#SEC_E_INVALID_HANDLE} after {@link #release()}
   */
  public HResult handOut(Out<TokenHandle> out) {
    synchronized (lock) {
      if (released) {
        return HResult.SEC_E_INVALID_HANDLE;
      }
      if (handle == null) {
        return HResult.SEC_E_NO_IMPERSONATION;
      }
      out.set(handle);
      return HResult.S_OK;
    }
  }

  /** Whether a logon succeeded and the context has not been released. */
  public boolean isHeld() {
    synchronized (lock) {
      return handle != null && !released;
    }
  }

  /** Whether {@link #release()} was called. */
  public boolean isReleased() {
    synchronized (lock) {
      return released;
    }
  }

  /** Closes the handle, once; later calls do nothing. */
  public void release() {
    TokenHandle closing;
    synchronized (lock) {
      if (released) {
        return;
      }
      released = true;
      closing = handle;
      handle = null;
    }
    if (closing != null) {
      tokens.closeHandle(closing);
    }
  }
}
