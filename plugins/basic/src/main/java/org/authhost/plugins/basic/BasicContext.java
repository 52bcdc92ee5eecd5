package org.authhost.plugins.basic;

import java.util.Optional;
import java.util.function.Consumer;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PasswordCredential;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;
import org.authhost.api.support.OwnedToken;

/**
 * One Basic exchange: an empty response gets the challenge (CONTINUE), unless the host hands over a
 * password the client gave outside the header ({@link CommandContext#passwordCredential()}, API
 * 1.3), which is checked like the header's; credentials are checked by the host's {@code LogonUser}
 * and give SUCCESS with the account's token, or DENIED. A malformed response is DENIED with {@code
 * S_FALSE} (API 1.3: a benign refusal, no guess at a password), never an error: it is the client's
 * mistake, not the plug-in's.
 */
final class BasicContext implements AuthenticationContext {
  private final AuthenticationPlugin plugin;
  private final OwnedToken token;
  private final byte[] challenge;
  private final Consumer<String> malformed;

  private volatile String userId;

  BasicContext(
      AuthenticationPlugin plugin,
      TokenService tokens,
      byte[] challenge,
      Consumer<String> malformed) {
    this.plugin = plugin;
    this.token = new OwnedToken(tokens);
    this.challenge = challenge;
    this.malformed = malformed;
  }

  @Override
  public HResult getAuthenticationPlugin(Out<AuthenticationPlugin> out) {
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
    BasicCredentials credentials;
    if (responseBlob.length == 0) {
      // API 1.3: a user name and password from a streaming server's call (a URL or its payload)
      // come without a header; they are checked exactly as the header's would be.
      Optional<PasswordCredential> given = command.passwordCredential();
      if (given.isEmpty()) {
        callback.onAuthenticateComplete(AuthenticationResult.CONTINUE, challenge, context);
        return HResult.S_OK;
      }
      return check(
          new BasicCredentials(given.get().userName(), given.get().password()),
          user,
          callback,
          context);
    }
    try {
      credentials = BasicCredentials.parse(responseBlob);
    } catch (BasicCredentials.Malformed e) {
      malformed.accept(
          "malformed Basic credentials from " + user.ipAddress() + ": " + e.getMessage());
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, challenge, context);
      // API 1.3: no password was tried, so the host counts this toward no lockout.
      return HResult.S_FALSE;
    }
    return check(credentials, user, callback, context);
  }

  private HResult check(
      BasicCredentials credentials,
      UserContext user,
      AuthenticationCallback callback,
      Object context) {
    HResult hr =
        token.logOn(
            credentials.userId(), credentials.password(), BasicAuthenticationPlugin.PACKAGE);
    user.setUserName(credentials.userId());
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, challenge, context);
      return HResult.S_OK;
    }
    if (hr.failed()) {
      // The host could not check the password now (e.g. too busy), or the context was released
      // meanwhile: not a wrong password, so not DENIED, and no lockout counts it.
      callback.onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
      return HResult.S_OK;
    }
    userId = credentials.userId();
    callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
    return HResult.S_OK;
  }

  @Override
  public HResult getLogicalUserId(Out<String> out) {
    out.set(userId);
    return HResult.S_OK;
  }

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return token.handOut(out);
  }

  @Override
  public void release() {
    token.release();
  }
}
