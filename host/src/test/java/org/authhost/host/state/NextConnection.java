package org.authhost.host.state;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The next connection of a {@link RedisLink} that is connected now: {@link RedisLink#whenConnected}
 * runs its action at once for the connection the link has, then at each reconnection, so the second
 * run is the reconnection a test waits for.
 */
final class NextConnection {
  private final AtomicInteger connections = new AtomicInteger();
  private final CountDownLatch again = new CountDownLatch(1);

  private NextConnection() {}

  /** Counts {@code link}'s connections from now on. */
  static NextConnection of(RedisLink link) {
    NextConnection next = new NextConnection();
    link.whenConnected(
        () -> {
          if (next.connections.incrementAndGet() == 2) {
            next.again.countDown();
          }
        });
    return next;
  }

  /** Connections counted: 1 before a reconnection. */
  int connections() {
    return connections.get();
  }

  /** Whether the link reconnected within {@code seconds}. */
  boolean await(long seconds) throws InterruptedException {
    return again.await(seconds, TimeUnit.SECONDS);
  }
}
