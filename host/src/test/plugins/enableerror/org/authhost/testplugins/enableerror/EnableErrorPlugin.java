package org.authhost.testplugins.enableerror;

import java.time.Duration;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/** Logs an ERROR from EnablePlugin yet returns S_OK: the ERROR must win. */
public final class EnableErrorPlugin extends TestPlugin {
  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    server
        .eventLog()
        .logEvent(values, EventLevel.ERROR, HResult.E_FAIL, "the key store is missing");
    return HResult.S_OK;
  }
}
