package org.authhost.testplugins.released;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** Closes its token right after logging on, then hands out the dead handle. */
public final class ReleasedPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    HResult hr = super.authenticate(self, callback, context);
    server.tokenService().closeHandle(self.token);
    return hr;
  }
}
