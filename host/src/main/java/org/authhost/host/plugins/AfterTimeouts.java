package org.authhost.host.plugins;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs what follows a time-out: the failure report and answering whoever waited, for a plug-in call
 * past its deadline (see {@link PluginGuard}) and for a callback that never came (see {@link
 * AuthenticationSession}). Never on the thread that noticed the time-out (the watchdog, the
 * scheduler), which must stay free for the other time limits, nor on a plug-in worker, which may
 * all be stuck.
 *
 * <p>At most {@link #THREADS} threads, made on demand and ended after a minute idle; time-outs
 * beyond that wait in line. Time-outs of calls are bounded by the stuck threads (each one wedges
 * its plug-in), but callback time-outs are not, and a continuation that blocks (a slow audit write)
 * only delays the ones queued behind it once every thread is busy.
 */
final class AfterTimeouts {
  private static final Logger log = LoggerFactory.getLogger(AfterTimeouts.class);

  /** The most threads that run continuations at once. */
  static final int THREADS = 8;

  /** Null while stopped. */
  private volatile ThreadPoolExecutor pool;

  /** Starts taking continuations. */
  synchronized void start() {
    if (pool != null) {
      return;
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor p =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "plugin-call-timeout-" + n.incrementAndGet());
              t.setDaemon(true);
              // The host's, not the creating thread's (which may be inside a plug-in's call).
              t.setContextClassLoader(AfterTimeouts.class.getClassLoader());
              return t;
            });
    p.allowCoreThreadTimeOut(true);
    pool = p;
  }

  /**
   * Runs {@code continuation} on one of its threads; on this thread only while stopped, when
   * nothing else would run it.
   */
  void execute(Runnable continuation) {
    ThreadPoolExecutor p = pool;
    if (p != null) {
      try {
        p.execute(continuation);
        return;
      } catch (RejectedExecutionException e) {
        log.debug(
            "the guard is stopping; running a time-out's continuation on {}",
            Thread.currentThread().getName());
      }
    }
    continuation.run();
  }

  /** Threads that have run continuations at once, at most: for tests. */
  int largestThreads() {
    ThreadPoolExecutor p = pool;
    return p == null ? 0 : p.getLargestPoolSize();
  }

  /**
   * Accepts nothing new; continuations already on their way are delivered, waited for a second.
   * Idempotent.
   */
  void stop() throws InterruptedException {
    ThreadPoolExecutor p;
    synchronized (this) {
      p = pool;
      pool = null;
    }
    if (p != null) {
      p.shutdown();
      p.awaitTermination(1, TimeUnit.SECONDS);
    }
  }
}
