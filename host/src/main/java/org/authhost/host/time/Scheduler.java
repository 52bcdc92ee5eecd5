package org.authhost.host.time;

import java.time.Duration;

/**
 * Runs host tasks later, after Caffeine's {@code Scheduler}: heartbeats, call time limits, the
 * account store's poller, the HTTP fronts' deadline sweeps. Injected, so that a test runs the tasks
 * that fall due by advancing a fake clock instead of waiting for them.
 *
 * <p>A task must be short and <b>must not block</b>: no waiting on a lock another thread may hold
 * for long, no file lock, no fsync, no network, and no plug-in code on the scheduler's thread.
 * Tasks share that one thread, and it carries every time limit of the host: one that blocks delays
 * every other, so a time limit would fire late. A task whose work is busy elsewhere uses a {@code
 * tryLock} and skips its round (a periodic task runs again next period). Plug-in calls go through
 * the call guard.
 *
 * <p>Whose clock: in production every task is timed by the JVM's monotonic clock ({@link
 * System#nanoTime()}), on the scheduler's thread or, for {@link #scheduleOnCaller}, in the calling
 * event loop's own queue of timed tasks; a test scheduler times them all by its fake clock.
 */
public interface Scheduler {
  /**
   * Runs {@code task} once, {@code delay} from now.
   *
   * @throws IllegalStateException if the scheduler is not running (not started, or stopped)
   */
  Scheduled schedule(Runnable task, Duration delay);

  /**
   * {@link #schedule}, for a time limit that the calling thread arms and, most of the time, the
   * same thread cancels soon after (an asynchronous {@code Authenticate} whose answer comes back on
   * the request's event loop): called on a host event loop, the production scheduler keeps the
   * entry on that loop (no lock, no other thread; the task then runs on that loop, and must be as
   * short as any scheduler task); anywhere else, and in every test scheduler, it is {@link
   * #schedule}. The same clock either way: the task runs {@code delay} from now.
   *
   * @throws IllegalStateException as {@link #schedule}
   */
  default Scheduled scheduleOnCaller(Runnable task, Duration delay) {
    return schedule(task, delay);
  }

  /**
   * Runs {@code task} {@code initialDelay} from now, then again {@code delay} after each run ends.
   * A task that throws is logged and keeps its schedule; a {@link VirtualMachineError} is rethrown.
   *
   * @throws IllegalStateException if the scheduler is not running (not started, or stopped)
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
