package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.authhost.api.HResult;
import org.authhost.api.PluginException;
import org.authhost.host.config.HostConfig;

/**
 * The one place where the host calls plug-in code (Caffeine's guarded-call rule): every exception
 * becomes an {@link HResult}, every failure goes to {@link PluginFailures}, and calls made through
 * {@link #callAsync} that outlive their time limit become {@link HResult#E_TIMEOUT}.
 *
 * <p>{@link #call} runs on the caller's thread and costs a few nanoseconds on success; the host
 * uses it on plug-in worker threads. {@link #callAsync} moves the call onto a worker thread so that
 * a plug-in that never returns holds a worker, never the caller.
 */
@Singleton
public final class PluginGuard {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PluginGuard.class);
  private final PluginFailures failures;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final long callTimeoutMillis;

  @Inject
  PluginGuard(PluginFailures failures, @Named("plugin-workers") ExecutorService workers,
      @Named("plugin-timer") ScheduledExecutorService timer, HostConfig config) {
    this.failures = failures;
    this.workers = workers;
    this.timer = timer;
    this.callTimeoutMillis = config.plugins().callTimeoutMillis();
  }

  /** Calls plug-in code on this thread; a failure is recorded before this returns. */
  HResult call(HostedPlugin plugin, String method, PluginCall call) {
    return guarded(plugin, method, call, null);
  }

  /**
   * Calls plug-in code on a worker thread within the call time limit. The future always completes
   * normally, with the call's HResult or {@link HResult#E_TIMEOUT}.
   */
  CompletableFuture<HResult> callAsync(HostedPlugin plugin, String method, PluginCall call) {
    CompletableFuture<HResult> result = new CompletableFuture<>();
    if (plugin.wedged()) {
      // A call into it never came back; another would only strand another worker.
      result.complete(HResult.E_TIMEOUT);
      return result;
    }
    Verdict verdict = new Verdict();
    Future<?> task;
    try {
      task = workers.submit(() -> result.complete(guarded(plugin, method, call, verdict)));
    } catch (RejectedExecutionException e) {
      result.complete(HResult.NS_E_NO_NEW_CONNECTIONS);
      return result;
    }
    var timeout = timer.schedule(() -> {
      if (verdict.claim()) {
        plugin.markWedged();
        // Recorded before anyone waiting on the result can look at the plug-in's status.
        failures.failed(plugin, method, HResult.E_TIMEOUT,
            method + " did not return within " + callTimeoutMillis + " ms; the host stops calling it",
            Long.MAX_VALUE, null);
        result.complete(HResult.E_TIMEOUT);
        task.cancel(true);
      }
    }, callTimeoutMillis, TimeUnit.MILLISECONDS);
    result.whenComplete((hr, e) -> timeout.cancel(false));
    return result;
  }

  /**
   * Calls plug-in code on a worker thread within the time limit, recording nothing: for the
   * clean-up calls the host makes after it has already recorded a failure, so that one fault is
   * reported once. What goes wrong is only written to the process log.
   */
  CompletableFuture<HResult> callQuietly(HostedPlugin plugin, String method, PluginCall call) {
    if (plugin.wedged()) {
      return CompletableFuture.completedFuture(HResult.E_TIMEOUT);
    }
    CompletableFuture<HResult> result = new CompletableFuture<>();
    try {
      Future<?> task = workers.submit(() -> {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(plugin.classLoader());
        try {
          HResult hr = call.invoke();
          result.complete(hr == null ? HResult.E_POINTER : hr);
        } catch (Throwable e) {
          log.debug("{} {} failed during clean-up", plugin, method, e);
          result.complete(hresultOf(e));
        } finally {
          thread.setContextClassLoader(previous);
        }
      });
      timer.schedule(() -> {
        if (result.complete(HResult.E_TIMEOUT)) {
          plugin.markWedged();
          task.cancel(true);
        }
      }, callTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      result.complete(HResult.E_ABORT);
    }
    return result.whenComplete((hr, e) -> {
      if (hr != null && hr.failed()) {
        log.info("{} {} returned {} during clean-up", plugin, method, hr);
      }
    });
  }

  /** Reports a problem of the plug-in's own making that the guard saw outside a call. */
  void failed(HostedPlugin plugin, String method, HResult code, String detail) {
    failures.failed(plugin, method, code, detail, Long.MAX_VALUE, null);
  }

  /** Reports a plug-in mistake that does not take it out of service. */
  void warn(HostedPlugin plugin, HResult code, String text) {
    failures.warn(plugin, code, text);
  }

  private HResult guarded(HostedPlugin plugin, String method, PluginCall call, Verdict verdict) {
    long eventsBefore = plugin.eventsLogged();
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(plugin.classLoader());
    HResult hr;
    String detail;
    try {
      hr = call.invoke();
      if (hr == null) {
        hr = HResult.E_POINTER;
        detail = method + " returned null instead of an HResult";
      } else if (hr.succeeded()) {
        return verdict == null || verdict.claim() ? hr : HResult.E_TIMEOUT;
      } else {
        detail = method + " returned " + hr;
      }
    } catch (PluginException e) {
      hr = e.hresult();
      detail = method + " threw " + e;
    } catch (Throwable e) {
      hr = hresultOf(e);
      detail = method + " threw " + e;
    } finally {
      thread.setContextClassLoader(previous);
    }
    if (verdict == null || verdict.claim()) {
      failures.failed(plugin, method, hr, detail, eventsBefore, plugin.lastLogged());
      return hr;
    }
    return HResult.E_TIMEOUT;
  }

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

  /** Decides, once, whether the call's own outcome or the time limit speaks for it. */
  private static final class Verdict extends AtomicBoolean {
    private static final long serialVersionUID = 1L;

    boolean claim() {
      return compareAndSet(false, true);
    }
  }
}
