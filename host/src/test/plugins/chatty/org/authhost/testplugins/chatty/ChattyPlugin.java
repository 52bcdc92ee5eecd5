package org.authhost.testplugins.chatty;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Logs events as fast as it can from two threads and prints "ACK n" on the host's standard output
 * once LogEvent has returned S_OK for event n: the acknowledgement a crash test checks against.
 */
public final class ChattyPlugin extends TestPlugin {
  private final AtomicLong next = new AtomicLong();

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    for (int i = 0; i < 2; i++) {
      Thread writer =
          new Thread(
              () -> {
                while (true) {
                  long n = next.incrementAndGet();
                  if (server
                      .eventLog()
                      .logEvent(values, EventLevel.INFORMATION, HResult.S_OK, "chatty " + n)
                      .succeeded()) {
                    synchronized (System.out) {
                      System.out.println("ACK " + n);
                      System.out.flush();
                    }
                  }
                }
              },
              "chatty-" + i);
      writer.setDaemon(true);
      writer.start();
    }
    return HResult.S_OK;
  }
}
