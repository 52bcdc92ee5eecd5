package org.authhost.testplugins.throwing;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** Authenticate throws. */
public final class ThrowingPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    throw new IllegalStateException("the credential cache is corrupt");
  }
}
