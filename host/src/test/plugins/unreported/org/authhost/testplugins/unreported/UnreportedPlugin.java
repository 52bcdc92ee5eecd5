package org.authhost.testplugins.unreported;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** Claims it reported an error it never logged: a plug-in bug. */
public final class UnreportedPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    return HResult.NS_E_PLUGIN_ERROR_REPORTED;
  }
}
