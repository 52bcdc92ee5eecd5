package org.authhost.testplugins.reporting;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** Logs its own ERROR and returns NS_E_PLUGIN_ERROR_REPORTED, as the model asks. */
public final class ReportingPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    server
        .eventLog()
        .logEvent(
            values,
            EventLevel.ERROR,
            HResult.E_ACCESSDENIED,
            "the account database refused the plug-in's connection");
    return HResult.NS_E_PLUGIN_ERROR_REPORTED;
  }
}
