package org.authhost.host.time;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.host.lifecycle.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production {@link Scheduler}: one daemon thread, started and stopped with the host. */
public final class ExecutorScheduler extends LifeCycle implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);

  /**
   * {@code -Dauthhost.scheduler.loopLimits=true}: the time limit of an asynchronous Authenticate
   * armed in the calling event loop's own queue ({@link #scheduleOnCaller}). Off by default: on the
   * quiet machine it kept C2 compiling through the peer benchmark's open run (the C2 thread's
   * system calls, 0.23 per request, against none with it off), for a measured saving of ~0.1 µs per
   * armed limit (docs/benchmarks.md: the end-of-session section of 2026-12-05, 23:12).
   */
  static final String SWITCH = "authhost.scheduler.loopLimits";

  private final String threadName;
  private final boolean onLoops;
  private volatile ScheduledThreadPoolExecutor executor;

  public ExecutorScheduler(String threadName) {
    this(threadName, Boolean.getBoolean(SWITCH));
  }

  ExecutorScheduler(String threadName, boolean onLoops) {
    this.threadName = threadName;
    this.onLoops = onLoops;
  }

  @Override
  protected void doStart() {
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
              t.setDaemon(true);
              // The host's, not the creating thread's (which may be inside a plug-in's call).
              t.setContextClassLoader(ExecutorScheduler.class.getClassLoader());
              return t;
            });
    // Cancelled heartbeats of disabled plug-ins must not pile up in the queue.
    pool.setRemoveOnCancelPolicy(true);
    executor = pool;
  }

  @Override
  protected void doStop() throws InterruptedException {
    // Null-safe (a start that failed, or never ran) and idempotent; a schedule after this throws.
    ScheduledThreadPoolExecutor pool = executor;
    executor = null;
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.SECONDS);
    }
  }

  @Override
  public Scheduled schedule(Runnable task, Duration delay) {
    return new FutureScheduled(
        running().schedule(logged(task), delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  /**
   * On an event loop, Netty's own queue of that loop's timed tasks: arming and cancelling there
   * take no lock and wake no thread, where this scheduler's queue takes its lock twice per request
   * (a Digest request on Redis arms and cancels one per call). Its time is the same monotonic
   * {@link System#nanoTime()} as this scheduler's. A loop that is shutting down refuses it; this
   * scheduler then takes it.
   */
  @Override
  public Scheduled scheduleOnCaller(Runnable task, Duration delay) {
    EventExecutor loop = ThreadExecutorMap.currentExecutor();
    if (onLoops && loop instanceof EventLoop && !loop.isShuttingDown()) {
      running();
      try {
        return new FutureScheduled(
            loop.schedule(logged(task), delay.toNanos(), TimeUnit.NANOSECONDS));
      } catch (RejectedExecutionException e) {
        // Shut down meanwhile: the host's own thread keeps the limit.
      }
    }
    return schedule(task, delay);
  }

  @Override
  public Scheduled scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
    return new FutureScheduled(
        running()
            .scheduleWithFixedDelay(
                logged(task), initialDelay.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  private ScheduledExecutorService running() {
    ScheduledThreadPoolExecutor pool = executor;
    if (pool == null) {
      throw new IllegalStateException(this + " is not started");
    }
    return pool;
  }

  /**
   * A periodic task that throws would otherwise be dropped silently by the executor. A {@link
   * VirtualMachineError} (out of memory, stack overflow) is not survivable: it is rethrown.
   */
  static Runnable logged(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (VirtualMachineError e) {
        throw e;
      } catch (RuntimeException | Error e) {
        log.error("scheduled task {} failed", task, e);
      }
    };
  }

  private record FutureScheduled(ScheduledFuture<?> future) implements Scheduled {
    @Override
    public void cancel() {
      future.cancel(false);
    }

    @Override
    public boolean isCancelled() {
      return future.isCancelled();
    }
  }
}
