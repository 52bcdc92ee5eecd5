package org.authhost.testplugins.trusting;

import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.testplugins.TestPlugin;

/**
 * Logs Guest on and reads the token back, but answers SUCCESS whatever queryToken said: a token the
 * token service calls closed is handed out all the same.
 */
public final class TrustingPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    Out<TokenHandle> token = new Out<>();
    HResult hr = server.tokenService().logonUser("Guest", "Test", token);
    if (hr.failed()) {
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
      return HResult.S_OK;
    }
    server.tokenService().queryToken(token.get(), new Out<AccessToken>());
    self.token = token.get();
    callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
    return HResult.S_OK;
  }
}
