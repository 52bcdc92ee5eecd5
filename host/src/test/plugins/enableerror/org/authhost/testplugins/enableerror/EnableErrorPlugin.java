package org.authhost.testplugins.enableerror;

import java.time.Duration;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Logs an ERROR from EnablePlugin yet returns S_OK: the ERROR must win. With the named value {@code
 * keyStore=present} it starts with a WARNING only: a plug-in that refuses a bad value the way the
 * guide says (an ERROR event, then the failure), and warns about a good one.
 */
public final class EnableErrorPlugin extends TestPlugin {
  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    if (values.get("keyStore", "missing").equals("present")) {
      server
          .eventLog()
          .logEvent(values, EventLevel.WARNING, HResult.S_OK, "the key store is readable by all");
      return HResult.S_OK;
    }
    server
        .eventLog()
        .logEvent(values, EventLevel.ERROR, HResult.E_FAIL, "the key store is missing");
    return HResult.S_OK;
  }
}
