package org.authhost.plugins.anonymous;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;

/**
 * One anonymous client: logs the guest account on at the first {@code Authenticate}, then owns that
 * token until it is released (the {@code SpGetContextTokenFn} rule).
 */
final class AnonymousContext implements AuthenticationContext {
  private final AuthenticationPlugin plugin;
  private final TokenService tokens;
  private final String account;

  private TokenHandle token;
  private boolean authenticated;
  private boolean released;

  AnonymousContext(AuthenticationPlugin plugin, TokenService tokens, String account) {
    this.plugin = plugin;
    this.tokens = tokens;
    this.account = account;
  }

  @Override
  public HResult getAuthenticationPlugin(Out<AuthenticationPlugin> out) {
    if (out == null) {
      return HResult.E_INVALIDARG;
    }
    out.set(plugin);
    return HResult.S_OK;
  }

  @Override
  public HResult authenticate(
      byte[] responseBlob,
      UserContext user,
      PresentationContext presentation,
      CommandContext command,
      AuthenticationCallback callback,
      Object context) {
    if (callback == null) {
      return HResult.E_INVALIDARG;
    }
    AuthenticationResult result;
    synchronized (this) {
      if (released) {
        result = AuthenticationResult.ERROR;
      } else if (authenticated) {
        // As the SDK sample: a context that already succeeded succeeds again.
        result = AuthenticationResult.SUCCESS;
      } else {
        Out<TokenHandle> issued = new Out<>();
        if (tokens.logonUser(account, AnonymousPlugin.PACKAGE, issued).succeeded()) {
          token = issued.get();
          authenticated = true;
          result = AuthenticationResult.SUCCESS;
        } else {
          result = AuthenticationResult.DENIED;
        }
      }
    }
    if (result == AuthenticationResult.SUCCESS && user != null) {
      user.setUserName(account);
    }
    callback.onAuthenticateComplete(result, null, context);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getLogicalUserId(Out<String> userId) {
    if (userId == null) {
      return HResult.E_POINTER;
    }
    userId.set(authenticated ? account : null);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getImpersonationAccountName(Out<String> accountName) {
    if (accountName == null) {
      return HResult.E_POINTER;
    }
    accountName.set(authenticated ? account : null);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getImpersonationToken(Out<TokenHandle> out) {
    if (out == null) {
      return HResult.E_POINTER;
    }
    if (released) {
      return HResult.SEC_E_INVALID_HANDLE;
    }
    if (!authenticated) {
      return HResult.SEC_E_NO_IMPERSONATION;
    }
    out.set(token);
    return HResult.S_OK;
  }

  @Override
  public synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    if (token != null) {
      tokens.closeHandle(token);
    }
  }
}
