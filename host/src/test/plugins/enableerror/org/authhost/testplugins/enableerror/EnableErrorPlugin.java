package org.authhost.testplugins.enableerror;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Logs an ERROR from EnablePlugin yet returns S_OK: the ERROR must win. With the named value {@code
 * keyStore=present} it starts with a WARNING only: a plug-in that refuses a bad value the way the
 * guide says (an ERROR event, then the failure), and warns about a good one. With the named value
 * {@code laterWarning}, the name of a latch a test put in the system properties, it also warns "a
 * later warning" from a thread of its own, and returns once that latch is counted down (by the
 * test, when the warning is on its way).
 */
public final class EnableErrorPlugin extends TestPlugin {
  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    if (values.get("keyStore", "missing").equals("present")) {
      server
          .eventLog()
          .logEvent(values, EventLevel.WARNING, HResult.S_OK, "the key store is readable by all");
      if (System.getProperties().get(values.get("laterWarning", "")) instanceof CountDownLatch on) {
        Thread later =
            new Thread(
                () ->
                    server
                        .eventLog()
                        .logEvent(values, EventLevel.WARNING, HResult.S_OK, "a later warning"),
                "enableerror-later");
        later.setDaemon(true);
        later.start();
        try {
          on.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return HResult.S_OK;
    }
    server
        .eventLog()
        .logEvent(values, EventLevel.ERROR, HResult.E_FAIL, "the key store is missing");
    return HResult.S_OK;
  }
}
