package org.authhost.testplugins.lingering;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Starts a worker thread in EnablePlugin and never stops it: it outlives ShutdownPlugin and keeps
 * the plug-in's class loader alive. It parks until interrupted, so a test can end it by name.
 */
public final class LingeringPlugin extends TestPlugin {
  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    Thread worker =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                LockSupport.park(this);
              }
            },
            "lingering-worker");
    worker.setDaemon(true);
    worker.start();
    return HResult.S_OK;
  }
}
