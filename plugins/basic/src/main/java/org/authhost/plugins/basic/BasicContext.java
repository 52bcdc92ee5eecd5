package org.authhost.plugins.basic;

import java.util.function.Consumer;
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
 * One Basic exchange: an empty response gets the challenge (CONTINUE); credentials are checked by
 * the host's {@code LogonUser} and give SUCCESS with the account's token, or DENIED. A malformed
 * response is DENIED, never an error: it is the client's mistake, not the plug-in's.
 */
final class BasicContext implements AuthenticationContext {
  private final AuthenticationPlugin plugin;
  private final TokenService tokens;
  private final byte[] challenge;
  private final Consumer<String> malformed;

  private String userId;
  private TokenHandle token;
  private boolean released;

  BasicContext(
      AuthenticationPlugin plugin,
      TokenService tokens,
      byte[] challenge,
      Consumer<String> malformed) {
    this.plugin = plugin;
    this.tokens = tokens;
    this.challenge = challenge;
    this.malformed = malformed;
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
    if (responseBlob == null || responseBlob.length == 0) {
      callback.onAuthenticateComplete(AuthenticationResult.CONTINUE, challenge, context);
      return HResult.S_OK;
    }
    BasicCredentials credentials;
    try {
      credentials = BasicCredentials.parse(responseBlob);
    } catch (BasicCredentials.Malformed e) {
      malformed.accept(
          "malformed Basic credentials from "
              + (user == null ? "?" : user.ipAddress())
              + ": "
              + e.getMessage());
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, challenge, context);
      return HResult.S_OK;
    }
    Out<TokenHandle> issued = new Out<>();
    HResult hr =
        tokens.logonUser(
            credentials.userId(),
            credentials.password(),
            BasicAuthenticationPlugin.PACKAGE,
            issued);
    if (user != null) {
      user.setUserName(credentials.userId());
    }
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, challenge, context);
      return HResult.S_OK;
    }
    if (hr.failed()) {
      // The host could not check the password now (e.g. too busy): not a wrong password, so not
      // DENIED — the client is told to come back, and no lockout counts it.
      callback.onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
      return HResult.S_OK;
    }
    synchronized (this) {
      if (released) {
        tokens.closeHandle(issued.get());
        callback.onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
        return HResult.S_OK;
      }
      if (token != null) {
        tokens.closeHandle(token);
      }
      token = issued.get();
      userId = credentials.userId();
    }
    callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getLogicalUserId(Out<String> out) {
    if (out == null) {
      return HResult.E_POINTER;
    }
    out.set(userId);
    return HResult.S_OK;
  }

  @Override
  public HResult getImpersonationAccountName(Out<String> out) {
    // The host takes the account's qualified name from the token.
    return HResult.E_NOTIMPL;
  }

  @Override
  public synchronized HResult getImpersonationToken(Out<TokenHandle> out) {
    if (out == null) {
      return HResult.E_POINTER;
    }
    if (released) {
      return HResult.SEC_E_INVALID_HANDLE;
    }
    if (token == null) {
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
