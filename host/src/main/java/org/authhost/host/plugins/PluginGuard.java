package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.HResult;
import org.authhost.api.PluginException;
import org.authhost.host.config.HostConfig;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.time.HostClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the host calls plug-in code (Caffeine's guarded-call rule): every exception
 * becomes an {@link HResult}, every failure goes to {@link PluginFailures} exactly once, and every
 * call has a time limit; past it the call counts as {@link HResult#E_TIMEOUT}, the plug-in is put
 * in error and gets no further calls.
 *
 * <p>{@link #call} runs on the caller's thread; its time limit is watched by {@link CallWatchdog},
 * so the guard adds only a clock read and a few writes to a call. {@link #callAsync} runs the same
 * guarded call on a worker thread, so that a plug-in that never returns holds a worker, never the
 * caller, whose future the watchdog completes at the deadline.
 *
 * <p>What follows a time-out (the failure report, answering the waiting client, which may write an
 * audit record) runs on a thread of its own, never on the watchdog's, which must stay free for the
 * other time limits, nor on a plug-in worker, which may all be stuck. The guard is started before
 * the first plug-in call and stopped after the last: its life cycle is the watchdog's.
 */
@Singleton
final class PluginGuard extends LifeCycle {
  private static final Logger log = LoggerFactory.getLogger(PluginGuard.class);
  private static final ThreadLocal<Boolean> ON_WORKER = new ThreadLocal<>();

  private final PluginFailures failures;
  private final ExecutorService workers;
  private final long callTimeoutMillis;
  private final long callTimeoutNanos;
  private final HostClock clock;
  private final CallWatchdog watchdog;

  /** Runs what follows a time-out; null while stopped. */
  private volatile ThreadPoolExecutor afterTimeouts;

  @Inject
  PluginGuard(
      PluginFailures failures,
      @Named("plugin-workers") ExecutorService workers,
      HostConfig config,
      HostClock clock) {
    this.failures = failures;
    this.workers = workers;
    this.callTimeoutMillis = config.plugins().callTimeoutMillis();
    this.callTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(callTimeoutMillis);
    this.clock = clock;
    this.watchdog = new CallWatchdog(clock, this::timedOut);
  }

  @Override
  protected void doStart() throws Exception {
    // A thread per time-out in progress, not a fixed few: a continuation that blocks (a slow audit
    // write) must not delay the answer to the next client. Time-outs are rare, as each one wedges
    // its plug-in, and bounded by the stuck workers (MAX_WORKERS).
    AtomicInteger n = new AtomicInteger();
    afterTimeouts =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "plugin-call-timeout-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    watchdog.start();
  }

  @Override
  protected void doStop() throws Exception {
    watchdog.stop();
    ThreadPoolExecutor pool = afterTimeouts;
    afterTimeouts = null;
    // Answers already on their way are delivered; nothing new is accepted.
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.SECONDS);
  }

  /** How many calls into plug-ins can run at once before a stuck one is replaced. */
  int workerThreads() {
    return workers instanceof ThreadPoolExecutor pool ? pool.getCorePoolSize() : Integer.MAX_VALUE;
  }

  /** The watchdog, for tests that drive it with a fake clock. */
  CallWatchdog watchdog() {
    return watchdog;
  }

  /**
   * Runs what follows a time-out (answering a client, reporting the failure) off the thread that
   * noticed it; on this thread only while the guard is stopped, when nothing else would run it.
   */
  void afterTimeout(Runnable continuation) {
    ThreadPoolExecutor pool = afterTimeouts;
    if (pool != null) {
      try {
        pool.execute(continuation);
        return;
      } catch (RejectedExecutionException e) {
        log.debug(
            "the guard is stopping; running a time-out's continuation on {}",
            Thread.currentThread().getName());
      }
    }
    continuation.run();
  }

  /** Calls plug-in code on this thread; a failure is recorded before this returns. */
  HResult call(HostedPlugin plugin, String method, PluginCall call) {
    return guarded(plugin, method, call, null, false, false);
  }

  /**
   * Calls plug-in code on this thread; if it is still running at the deadline, the watchdog runs
   * {@code onTimeout} (e.g. to answer the client) while this thread stays stuck in the plug-in.
   */
  HResult call(HostedPlugin plugin, String method, PluginCall call, Runnable onTimeout) {
    return guarded(plugin, method, call, onTimeout, false, false);
  }

  /**
   * Like {@link #call}, for methods a plug-in may leave out: {@link HResult#E_NOTIMPL} is returned
   * but not recorded as a failure (the SDK sample answers {@code GetImpersonationAccountName} so).
   */
  HResult callOptional(HostedPlugin plugin, String method, PluginCall call, Runnable onTimeout) {
    return guarded(plugin, method, call, onTimeout, false, true);
  }

  /**
   * Runs host code that calls into plug-ins on a worker thread, so that the caller (an event loop)
   * never waits on plug-in code; {@code rejected} runs instead when every worker is busy.
   */
  void execute(Runnable task, Runnable rejected) {
    try {
      workers.execute(
          () -> {
            ON_WORKER.set(Boolean.TRUE);
            task.run();
          });
    } catch (RejectedExecutionException e) {
      log.warn("no plug-in worker free; answering {}", HResult.NS_E_NO_NEW_CONNECTIONS);
      rejected.run();
    }
  }

  /** Whether this thread is one of the plug-in workers (where plug-in calls may block). */
  static boolean onWorkerThread() {
    return ON_WORKER.get() == Boolean.TRUE;
  }

  /**
   * Calls plug-in code on a worker thread. The future always completes normally: with the call's
   * HResult, or {@link HResult#E_TIMEOUT} at the deadline.
   */
  CompletableFuture<HResult> callAsync(HostedPlugin plugin, String method, PluginCall call) {
    return onWorker(plugin, method, call, false);
  }

  /**
   * Calls plug-in code on a worker thread, recording nothing: for the clean-up calls the host makes
   * after it has already recorded a failure, so that one fault is reported once. What goes wrong is
   * only written to the process log.
   */
  CompletableFuture<HResult> callQuietly(HostedPlugin plugin, String method, PluginCall call) {
    return onWorker(plugin, method, call, true);
  }

  private CompletableFuture<HResult> onWorker(
      HostedPlugin plugin, String method, PluginCall call, boolean quiet) {
    CompletableFuture<HResult> result = new CompletableFuture<>();
    if (plugin.wedged()) {
      // A call into it never came back; another would only strand another worker.
      result.complete(HResult.E_TIMEOUT);
      return result;
    }
    execute(
        () ->
            result.complete(
                guarded(
                    plugin, method, call, () -> result.complete(HResult.E_TIMEOUT), quiet, false)),
        () -> result.complete(HResult.NS_E_NO_NEW_CONNECTIONS));
    return result;
  }

  /** Reports a problem of the plug-in's own making that the guard saw outside a call. */
  void failed(HostedPlugin plugin, String method, HResult code, String detail) {
    failures.failed(plugin, method, code, detail, null);
  }

  /** Reports a plug-in mistake that does not take it out of service. */
  void warn(HostedPlugin plugin, HResult code, String text) {
    failures.warn(plugin, code, text);
  }

  /**
   * Notes that the plug-in logged a WARNING or ERROR on this thread, so that a {@code
   * NS_E_PLUGIN_ERROR_REPORTED} returned by the call in progress is known to be backed by an event.
   * Events logged from the plug-in's own threads belong to no call.
   */
  void noteLogged(HostedPlugin plugin, PluginFailures.LoggedEvent event) {
    for (CallFrame frame = watchdog.slot().current; frame != null; frame = frame.parent) {
      if (frame.plugin == plugin) {
        frame.logged = event;
        return;
      }
    }
  }

  /**
   * The watchdog found a call past its deadline and claimed it. The bookkeeping happens on the
   * watchdog's thread; the report and the answers are handed on (see {@link #afterTimeout}).
   */
  private void timedOut(CallFrame frame, Thread thread) {
    frame.plugin.markWedged();
    replaceStuckWorker(thread);
    // Frames the expired one encloses end with it, so their late return is not reported either.
    CallFrame stuck = watchdog.slotOf(thread);
    for (CallFrame inner = stuck; inner != null && inner != frame; inner = inner.parent) {
      inner.expire();
    }
    String method = stuck == null ? frame.method : stuck.method;
    afterTimeout(() -> reportTimeout(frame, method, thread));
  }

  private void reportTimeout(CallFrame frame, String method, Thread thread) {
    if (!frame.quiet) {
      failures.failed(
          frame.plugin,
          frame.method,
          HResult.E_TIMEOUT,
          method
              + " did not return within "
              + callTimeoutMillis
              + " ms; the host stops calling this plug-in until it is restarted",
          null);
    } else {
      log.info(
          "{} {} did not return within {} ms during clean-up",
          frame.plugin,
          frame.method,
          callTimeoutMillis);
    }
    for (CallFrame f = frame; f != null; f = f.parent) {
      if (f.onTimeout != null) {
        f.onTimeout.run();
      }
    }
    // Last, so that a plug-in which returns when interrupted finds its call already answered.
    thread.interrupt();
  }

  private HResult guarded(
      HostedPlugin plugin,
      String method,
      PluginCall call,
      Runnable onTimeout,
      boolean quiet,
      boolean optional) {
    CallWatchdog.Slot slot = watchdog.slot();
    CallFrame frame =
        new CallFrame(
            plugin, method, clock.nanoTime() + callTimeoutNanos, slot.current, onTimeout, quiet);
    slot.current = frame;
    Thread thread = slot.thread;
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(plugin.classLoader());
    HResult hr;
    String detail;
    try {
      hr = call.invoke();
      if (hr == null) {
        hr = HResult.E_POINTER;
        detail = method + " returned null instead of an HResult";
      } else if (hr.succeeded() || (optional && hr.equals(HResult.E_NOTIMPL))) {
        return frame.finish() ? hr : HResult.E_TIMEOUT;
      } else {
        detail = method + " returned " + hr;
      }
    } catch (Throwable e) {
      hr = hresultOf(e);
      detail = method + " threw " + e;
    } finally {
      thread.setContextClassLoader(previous);
      slot.current = frame.parent;
    }
    if (!frame.finish()) {
      // The watchdog already reported this call; an interrupt it caused is no news.
      Thread.interrupted();
      return HResult.E_TIMEOUT;
    }
    if (quiet) {
      log.info("{} {} failed during clean-up: {}", plugin, method, detail);
    } else {
      failures.failed(plugin, method, hr, detail, frame.logged);
    }
    return hr;
  }

  /**
   * A worker stuck in a plug-in may never come back; the pool gets one more thread in its place so
   * that one hung plug-in cannot starve the others (bounded: a host with that many stuck threads
   * needs a restart, and says so through its events).
   */
  private void replaceStuckWorker(Thread thread) {
    if (onWorkerThreadOf(thread)
        && workers instanceof ThreadPoolExecutor pool
        && pool.getMaximumPoolSize() < MAX_WORKERS) {
      synchronized (pool) {
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
        pool.setCorePoolSize(pool.getCorePoolSize() + 1);
      }
    }
  }

  private static boolean onWorkerThreadOf(Thread thread) {
    return thread.getName().startsWith("plugin-call");
  }

  /** The most workers the pool grows to while replacing stuck ones. */
  static final int MAX_WORKERS = 256;

  /** The code a Java exception stands for, as the COM interop layer maps them. */
  static HResult hresultOf(Throwable e) {
    if (e instanceof PluginException p) {
      return p.hresult();
    }
    if (e instanceof OutOfMemoryError) {
      return HResult.E_OUTOFMEMORY;
    }
    if (e instanceof NullPointerException) {
      return HResult.E_POINTER;
    }
    if (e instanceof IllegalArgumentException) {
      return HResult.E_INVALIDARG;
    }
    if (e instanceof IllegalStateException) {
      return HResult.E_UNEXPECTED;
    }
    if (e instanceof UnsupportedOperationException) {
      return HResult.E_NOTIMPL;
    }
    if (e instanceof SecurityException) {
      return HResult.E_ACCESSDENIED;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return HResult.E_ABORT;
    }
    if (e instanceof ClassCastException) {
      return HResult.E_NOINTERFACE;
    }
    return HResult.E_FAIL;
  }
}
