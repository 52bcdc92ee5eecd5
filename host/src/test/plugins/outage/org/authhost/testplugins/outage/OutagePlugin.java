package org.authhost.testplugins.outage;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.support.PluginEvents;
import org.authhost.testplugins.TestPlugin;

/**
 * Something it depends on is down: it logs an outage (an ERROR with S_OK) and answers ERROR with
 * S_OK, as the Bearer plug-in does while its provider cannot be reached.
 */
public final class OutagePlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    new PluginEvents(server.eventLog(), values).outage("the directory cannot be reached");
    callback.onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
    return HResult.S_OK;
  }
}
