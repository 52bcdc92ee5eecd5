package org.authhost.host.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.host.config.BulkheadSettings;

/**
 * One plug-in's own threads for calls that may block, and its own bounded queue (issue 11: one slow
 * plug-in must not starve the others). When both are full a call is refused at once, which the
 * client sees as 503 with {@code Retry-After}; it never waits behind another plug-in's calls.
 *
 * <p>A thread stuck in the plug-in past its time limit is replaced, so that what is queued behind
 * it is still answered, up to {@link BulkheadSettings#maxLeakedThreads()} stuck threads; reaching
 * that ceiling is reported once (see {@link #stuck}). Threads are made on demand and end after a
 * minute idle, so a plug-in that is rarely called holds none.
 */
final class Bulkhead {
  private static final long IDLE_SECONDS = 60;

  /** A thread of a bulkhead, or of the guard's life-cycle pool ({@code bulkhead} null). */
  static final class Worker extends Thread {
    final Bulkhead bulkhead;

    Worker(Runnable task, String name, Bulkhead bulkhead) {
      super(task, name);
      this.bulkhead = bulkhead;
      setDaemon(true);
      // Not the creating thread's, which may be inside a plug-in's call: each call sets its own.
      setContextClassLoader(Worker.class.getClassLoader());
    }
  }

  /** A call waiting for a thread, with what to do if it never gets one. */
  private record Queued(Runnable task, Runnable rejected) implements Runnable {
    @Override
    public void run() {
      task.run();
    }
  }

  private final String pluginId;
  private final BulkheadSettings settings;
  private final ThreadPoolExecutor pool;
  private final AtomicInteger leaked = new AtomicInteger();

  Bulkhead(String pluginId, BulkheadSettings settings) {
    this.pluginId = pluginId;
    this.settings = settings;
    BlockingQueue<Runnable> queue =
        settings.queue() == 0
            ? new SynchronousQueue<>()
            : new LinkedBlockingQueue<>(settings.queue());
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            settings.workers(),
            settings.workers(),
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            queue,
            r -> new Worker(r, "plugin-" + pluginId + "-" + n.incrementAndGet(), this));
    pool.allowCoreThreadTimeOut(true);
  }

  String pluginId() {
    return pluginId;
  }

  BulkheadSettings settings() {
    return settings;
  }

  /**
   * Runs {@code task} on one of this bulkhead's threads, or {@code rejected} on this thread at once
   * when every thread is busy and the queue is full, or the bulkhead is stopped.
   */
  void execute(Runnable task, Runnable rejected) {
    try {
      pool.execute(new Queued(task, rejected));
    } catch (RejectedExecutionException e) {
      rejected.run();
    }
  }

  /** Threads running a call now, for tests and operators. */
  int active() {
    return pool.getActiveCount();
  }

  /** Calls waiting for a thread. */
  int queued() {
    return pool.getQueue().size();
  }

  /** Threads stuck in the plug-in past their time limit so far. */
  int leaked() {
    return leaked.get();
  }

  /** How many threads may run calls at once now, replacements of stuck ones included. */
  int threads() {
    return pool.getMaximumPoolSize();
  }

  /**
   * A call into the plug-in on {@code thread} is past its time limit and may never return: counted
   * as leaked, and replaced if it is one of this bulkhead's threads and the ceiling allows.
   *
   * @return true exactly once: when this stuck thread reaches the ceiling
   */
  boolean stuck(Thread thread) {
    int now = leaked.incrementAndGet();
    if (now <= settings.maxLeakedThreads() && thread instanceof Worker w && w.bulkhead == this) {
      synchronized (pool) {
        // Maximum first: the core size may never exceed it.
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
        pool.setCorePoolSize(pool.getCorePoolSize() + 1);
      }
    }
    return now == settings.maxLeakedThreads();
  }

  /**
   * Answers every waiting call with its {@code rejected}, without running it: the plug-in can no
   * longer serve them (it hung, or the host is stopping).
   */
  void drain() {
    List<Runnable> waiting = new ArrayList<>();
    pool.getQueue().drainTo(waiting);
    for (Runnable r : waiting) {
      if (r instanceof Queued q) {
        q.rejected().run();
      }
    }
  }

  @Override
  public String toString() {
    return settings.workers()
        + " thread(s), queue "
        + settings.queue()
        + ", at most "
        + settings.maxLeakedThreads()
        + " stuck thread(s) replaced";
  }

  /**
   * Stops taking calls and answers those still waiting; calls in progress finish on their own
   * threads, which are daemons and never hold the host up. Idempotent.
   */
  void stop() {
    pool.shutdown();
    drain();
  }

  /**
   * After {@link #stop}: waits up to {@code nanos} of real time for the calls in progress to end.
   *
   * @return whether none is left
   */
  boolean awaitCalls(long nanos) throws InterruptedException {
    return pool.awaitTermination(nanos, TimeUnit.NANOSECONDS);
  }
}
