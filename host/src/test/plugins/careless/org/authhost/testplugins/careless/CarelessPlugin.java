package org.authhost.testplugins.careless;

import java.util.Objects;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.testplugins.TestPlugin;

/**
 * Logs Guest on and ignores what the token service answered: when the logon fails it throws instead
 * of answering DENIED (what the kit's fault injection is there to find).
 */
public final class CarelessPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    Out<TokenHandle> token = new Out<>();
    server.tokenService().logonUser("Guest", "Test", token);
    self.token = Objects.requireNonNull(token.get(), "the logon gave no token");
    callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
    return HResult.S_OK;
  }
}
