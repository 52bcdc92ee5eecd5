package org.authhost.testplugins.twice;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** Succeeds, then calls back a second time with DENIED. */
public final class TwicePlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    super.authenticate(self, callback, context);
    callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
    return HResult.S_OK;
  }
}
