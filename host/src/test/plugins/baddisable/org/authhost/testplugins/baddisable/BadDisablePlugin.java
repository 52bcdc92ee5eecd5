package org.authhost.testplugins.baddisable;

import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** DisablePlugin fails; it logs each call so a test can count them. */
public final class BadDisablePlugin extends TestPlugin {
  @Override
  public HResult disable() {
    server
        .eventLog()
        .logEvent(values, EventLevel.INFORMATION, HResult.S_OK, "DisablePlugin called");
    return HResult.E_FAIL;
  }
}
