package org.authhost.testplugins.silent;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** Authenticate returns S_OK and never calls back. */
public final class SilentPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    return HResult.S_OK;
  }
}
