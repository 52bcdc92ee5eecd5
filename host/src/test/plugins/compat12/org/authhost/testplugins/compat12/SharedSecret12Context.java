package org.authhost.testplugins.compat12;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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

/** "user:secret" against the configured secret; the token kept by hand, as 1.2 plug-ins did. */
final class SharedSecret12Context implements AuthenticationContext {
  private final AuthenticationPlugin plugin;
  private final TokenService tokens;
  private final byte[] secret;
  private String user;
  private TokenHandle token;
  private boolean released;

  SharedSecret12Context(AuthenticationPlugin plugin, TokenService tokens, byte[] secret) {
    this.plugin = plugin;
    this.tokens = tokens;
    this.secret = secret;
  }

  @Override
  public HResult getAuthenticationPlugin(Out<AuthenticationPlugin> out) {
    out.set(plugin);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult authenticate(
      byte[] blob,
      UserContext userContext,
      PresentationContext presentation,
      CommandContext command,
      AuthenticationCallback callback,
      Object context) {
    if (blob == null || blob.length == 0) {
      callback.onAuthenticateComplete(
          AuthenticationResult.CONTINUE,
          "realm=\"compat\"".getBytes(StandardCharsets.UTF_8),
          context);
      return HResult.S_OK;
    }
    String response = new String(blob, StandardCharsets.UTF_8);
    int colon = response.indexOf(':');
    if (colon <= 0
        || !MessageDigest.isEqual(
            secret, response.substring(colon + 1).getBytes(StandardCharsets.UTF_8))) {
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
      return HResult.S_OK;
    }
    String name = response.substring(0, colon);
    Out<TokenHandle> issued = new Out<>();
    if (tokens.logonUser(name, SharedSecret12Plugin.PACKAGE, issued).failed()) {
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
      return HResult.S_OK;
    }
    if (token != null) {
      tokens.closeHandle(token);
    }
    token = issued.get();
    user = name;
    userContext.setUserName(name);
    callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getLogicalUserId(Out<String> userId) {
    userId.set(user);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getImpersonationAccountName(Out<String> accountName) {
    accountName.set(user);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getImpersonationToken(Out<TokenHandle> out) {
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
    if (!released) {
      released = true;
      if (token != null) {
        tokens.closeHandle(token);
      }
    }
  }
}
