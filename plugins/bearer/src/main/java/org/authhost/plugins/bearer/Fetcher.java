package org.authhost.plugins.bearer;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The plug-in's one thread for fetching the provider's keys, so that no client's connection thread
 * ever waits on the provider (the plug-in is {@code non-blocking}). Started at the first fetch, so
 * a plug-in with inline keys never has a thread; stopped at {@code disable}, started again by the
 * next fetch after {@code enable}; never again after {@code shutdown}.
 */
final class Fetcher implements Executor {
  /** A task that, when dropped unrun by {@link #stop}, must still release whoever waits for it. */
  interface Abandonable extends Runnable {
    void abandon();
  }

  private ExecutorService pool;
  private ScheduledExecutorService timer;
  private boolean closed;

  /**
   * Runs {@code task} on the plug-in's timer thread after {@code delay}: the release of a fetch's
   * waiters at their time limit, which must not queue behind a fetch that hangs.
   *
   * @throws RejectedExecutionException after {@link #close}
   */
  void after(Duration delay, Runnable task) {
    ScheduledExecutorService t;
    synchronized (this) {
      if (closed) {
        throw new RejectedExecutionException("the plug-in is shut down");
      }
      if (timer == null) {
        timer =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread thread = new Thread(r, "bearer-key-wait");
                  thread.setDaemon(true);
                  return thread;
                });
      }
      t = timer;
    }
    t.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void execute(Runnable task) {
    ExecutorService p;
    synchronized (this) {
      if (closed) {
        throw new RejectedExecutionException("the plug-in is shut down");
      }
      if (pool == null) {
        pool =
            new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                r -> {
                  Thread t = new Thread(r, "bearer-key-fetch");
                  t.setDaemon(true);
                  return t;
                });
      }
      p = pool;
    }
    p.execute(task);
  }

  /** Stops the thread; a fetch running is interrupted, and its exchanges answer 503. */
  void stop() {
    ExecutorService p;
    ScheduledExecutorService t;
    synchronized (this) {
      p = pool;
      pool = null;
      t = timer;
      timer = null;
    }
    if (t != null) {
      t.shutdownNow(); // the waiters it would release are released by their fetch's end
    }
    if (p != null) {
      for (Runnable dropped : p.shutdownNow()) {
        if (dropped instanceof Abandonable a) {
          a.abandon();
        }
      }
      try {
        p.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  void close() {
    synchronized (this) {
      closed = true;
    }
    stop();
  }
}
