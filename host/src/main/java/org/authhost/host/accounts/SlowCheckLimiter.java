package org.authhost.host.accounts;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.authhost.host.config.SlowChecksConfig;

/**
 * Admission to the slow hash: at most {@code concurrent} verifications at once, at most {@code
 * perAddress} of them for one client address, and at most {@code queue} checks waiting, each for at
 * most {@code queueWaitMillis}. Past the queue, or past the wait, a check is refused (busy), which
 * the host answers with 503 and {@code Retry-After}, never as a wrong password.
 *
 * <p>The wait is a real one (a blocked plug-in worker), so it is measured by the monotonic clock of
 * the JVM, not the host's injectable clock; tests use a wait of 0 or latches.
 */
final class SlowCheckLimiter {
  private final int concurrent;
  private final int perAddress;
  private final int queue;
  private final long waitNanos;

  private final Object lock = new Object();
  private final Map<String, Integer> running = new HashMap<>();
  private int runningTotal;
  private int waiting;

  SlowCheckLimiter(SlowChecksConfig config) {
    this.concurrent = config.concurrent();
    this.perAddress = config.perAddress();
    this.queue = config.queue();
    this.waitNanos = TimeUnit.MILLISECONDS.toNanos(config.queueWaitMillis());
  }

  /** A slot, or null (busy). Release it with {@link #release(String)}. */
  boolean acquire(String address) throws InterruptedException {
    synchronized (lock) {
      if (free(address)) {
        take(address);
        return true;
      }
      if (waiting >= queue || waitNanos == 0) {
        return false;
      }
      long deadline = System.nanoTime() + waitNanos;
      waiting++;
      try {
        while (!free(address)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
        take(address);
        return true;
      } finally {
        waiting--;
      }
    }
  }

  void release(String address) {
    synchronized (lock) {
      runningTotal--;
      if (address != null) {
        running.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
      }
      lock.notifyAll();
    }
  }

  /** Checks waiting for a slot now. */
  int waiting() {
    synchronized (lock) {
      return waiting;
    }
  }

  private boolean free(String address) {
    if (runningTotal >= concurrent) {
      return false;
    }
    return address == null || perAddress == 0 || running.getOrDefault(address, 0) < perAddress;
  }

  private void take(String address) {
    runningTotal++;
    if (address != null) {
      running.merge(address, 1, Integer::sum);
    }
  }
}
