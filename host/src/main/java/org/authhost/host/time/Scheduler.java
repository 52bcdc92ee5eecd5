package org.authhost.host.time;

import java.time.Duration;

/**
 * Runs host tasks later, after Caffeine's {@code Scheduler}: heartbeats, the account store's
 * poller, summaries of refused requests. Injected, so that a test runs the tasks that fall due by
 * advancing a fake clock instead of waiting for them.
 *
 * <p>A task must be short and must not call plug-in code on the scheduler's thread: tasks share
 * that thread, and one that blocks delays every other. Plug-in calls go through the call guard.
 */
public interface Scheduler {
  /** Runs {@code task} once, {@code delay} from now. */
  Scheduled schedule(Runnable task, Duration delay);

  /**
   * Runs {@code task} {@code initialDelay} from now, then again {@code delay} after each run ends.
   * A task that throws is logged and keeps its schedule.
   */
  Scheduled scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay);

  /** A scheduled task. */
  interface Scheduled {
    /** No further runs; a run in progress finishes. Idempotent. */
    void cancel();

    /** Whether {@link #cancel()} was called. */
    boolean isCancelled();
  }
}
