package org.authhost.host.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/**
 * A clock that stands still until a test moves it, and the scheduler that goes with it: {@link
 * #advance} moves the instant and the nanosecond reading together and runs, on the caller's thread
 * and in order of their due time, every task that falls due on the way (Caffeine's {@code
 * FakeTicker} with a scheduler attached). No test has to sleep to let time pass.
 */
public final class MutableClock extends HostClock implements Scheduler {
  private final List<Task> tasks = new ArrayList<>();
  private final ReentrantLock advancing = new ReentrantLock();
  private final List<Runnable> settles = new CopyOnWriteArrayList<>();
  private Instant now;
  private long nanos;
  private long sequence;

  /** A clock at 2026-01-01T00:00:00Z. */
  public MutableClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public MutableClock(Instant start) {
    this.now = start;
    // Not zero, so that code which treats 0 as "never" is caught.
    this.nanos = 1_000_000_000L;
  }

  /**
   * Moves time forward by {@code by}, running each task as its due time is reached.
   *
   * <p>Advances are serialized: one from another thread waits until this one has run its tasks, so
   * each advance moves from where the last one ended. A task may itself advance the clock (the
   * nested advance runs on the same thread, inside this one); time never goes back either way: an
   * outer advance whose target a nested one has passed leaves the clock where it is.
   */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + by);
    }
    advancing.lock();
    try {
      advanceHoldingLock(by);
    } finally {
      advancing.unlock();
    }
  }

  private void advanceHoldingLock(Duration by) {
    long target;
    synchronized (this) {
      target = nanos + by.toNanos();
    }
    while (true) {
      Task due;
      synchronized (this) {
        due =
            tasks.stream()
                .filter(t -> t.due <= target)
                .min(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.order))
                .orElse(null);
        if (due == null) {
          moveTo(target);
          return;
        }
        moveTo(due.due);
        tasks.remove(due);
        if (due.period != null) {
          due.due = nanos + due.period.toNanos();
          due.order = sequence++;
          tasks.add(due);
        }
      }
      due.task.run();
      settles.forEach(Runnable::run);
    }
  }

  /**
   * Runs {@code settle} (as well as those given before) after each task an advance runs, on the
   * advancing thread, before time moves on: for work a task hands to another thread that must end
   * before the clock passes its time limit, as it would in real time (a plug-in's OnHeartbeat runs
   * on a worker, and a call still in progress when the clock jumps past its deadline is a
   * time-out). {@link FakeTime#of} settles the heartbeats of every host on the clock this way.
   */
  public void settleAfterEachTask(Runnable settle) {
    settles.add(settle);
  }

  /** Sets the wall clock only (a clock adjustment); the monotonic reading and tasks are unmoved. */
  public synchronized void set(Instant instant) {
    now = instant;
  }

  /** How many tasks are scheduled and not cancelled. */
  public synchronized int scheduledTasks() {
    return tasks.size();
  }

  /**
   * Waits until at least {@code count} tasks are scheduled: for a task that another thread
   * schedules (a time limit set on a plug-in worker), so that time is moved only once it counts.
   *
   * @throws AssertionError if they are not there within {@code timeout} of real time
   */
  public synchronized void awaitScheduledTasks(int count, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (tasks.size() < count) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            tasks.size() + " task(s) scheduled, not " + count + ", after " + timeout);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Moves to {@code target}, or stays if a nested advance is already past it. */
  private void moveTo(long target) {
    if (target <= nanos) {
      return;
    }
    now = now.plusNanos(target - nanos);
    nanos = target;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public synchronized Scheduled schedule(Runnable task, Duration delay) {
    return add(task, delay, null);
  }

  @Override
  public synchronized Scheduled scheduleWithFixedDelay(
      Runnable task, Duration initialDelay, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      throw new IllegalArgumentException("a period must be positive: " + delay);
    }
    return add(task, initialDelay, delay);
  }

  private Task add(Runnable runnable, Duration delay, Duration period) {
    Task task = new Task(runnable, nanos + Math.max(0, delay.toNanos()), period, sequence++);
    tasks.add(task);
    notifyAll();
    return task;
  }

  private final class Task implements Scheduled {
    final Runnable task;
    final Duration period;
    long due;
    long order;
    boolean cancelled;

    Task(Runnable task, long due, Duration period, long order) {
      this.task = task;
      this.due = due;
      this.period = period;
      this.order = order;
    }

    @Override
    public void cancel() {
      synchronized (MutableClock.this) {
        cancelled = true;
        tasks.remove(this);
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (MutableClock.this) {
        return cancelled;
      }
    }
  }
}
