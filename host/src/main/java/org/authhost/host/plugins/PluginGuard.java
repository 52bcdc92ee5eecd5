package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.HResult;
import org.authhost.host.config.HostConfig;
import org.authhost.host.containment.ForbiddenCall;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.metrics.HostMetrics;
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
 * so the guard adds only a clock read and a few writes to a call. Host code that calls into a
 * plug-in on a client's behalf runs through {@link #dispatch}: on one of the plug-in's own threads
 * (its {@link Bulkhead}), so that a plug-in that never returns holds its own threads, never the
 * caller's nor another plug-in's; or, for a plug-in whose descriptor declares {@code
 * non-blocking=true}, right here on the caller's thread (an event loop), with the same deadline,
 * callback and fail-closed rules. Such a call cannot be pre-empted: the watchdog still answers the
 * client at the deadline and puts the plug-in in error, which ends its inline calls, but the loop
 * stays frozen until the plug-in returns. Life-cycle calls ({@link #callAsync}) run on a pool of
 * their own, so that clients filling a bulkhead never delay or refuse a heartbeat or a shutdown.
 *
 * <p>What follows a time-out (the failure report, answering the waiting client, which may write an
 * audit record) runs on {@link AfterTimeouts}, never on the watchdog's thread, which must stay free
 * for the other time limits, nor on a plug-in worker, which may all be stuck. A worker stuck past
 * its deadline is interrupted last, and only while it is still inside the expired call: an
 * interrupt that arrived later would abort whatever call the thread makes next. The guard is
 * started before the first plug-in call and stopped after the last: its life cycle is the
 * watchdog's.
 */
@Singleton
final class PluginGuard extends LifeCycle {
  private static final Logger log = LoggerFactory.getLogger(PluginGuard.class);

  private final PluginFailures failures;
  private final long callTimeoutNanos;
  private final HostClock clock;
  private final CallWatchdog watchdog;
  private final HostMetrics metrics;

  /** Runs what follows a time-out. */
  private final AfterTimeouts afterTimeouts = new AfterTimeouts();

  /** Runs life-cycle calls, a thread each while they run; null while stopped. */
  private volatile ThreadPoolExecutor lifeCycle;

  @Inject
  PluginGuard(PluginFailures failures, HostConfig config, HostClock clock, HostMetrics metrics) {
    this.metrics = metrics;
    this.failures = failures;
    this.callTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.plugins().callTimeoutMillis());
    this.clock = clock;
    this.watchdog = new CallWatchdog(clock, this::timedOut);
  }

  /** A guard whose call times nobody reads (tests of the guard alone). */
  PluginGuard(PluginFailures failures, HostConfig config, HostClock clock) {
    this(failures, config, clock, new HostMetrics());
  }

  @Override
  protected void doStart() throws Exception {
    afterTimeouts.start();
    // Life-cycle calls are rare and each wedges its plug-in if it hangs, so a thread per call in
    // progress is bounded by the plug-ins; none waits behind another plug-in's.
    AtomicInteger l = new AtomicInteger();
    lifeCycle =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> new Bulkhead.Worker(r, "plugin-lifecycle-" + l.incrementAndGet(), null));
    watchdog.start();
  }

  /** Idempotent: also the way out of a failed start or stop, whichever part it reached. */
  @Override
  protected void doStop() throws Exception {
    try {
      watchdog.stop();
    } finally {
      ThreadPoolExecutor calls = lifeCycle;
      lifeCycle = null;
      if (calls != null) {
        // A call still running is a daemon thread stuck in a plug-in the watchdog answered for.
        calls.shutdown();
      }
      // Answers already on their way are delivered; nothing new is accepted.
      afterTimeouts.stop();
    }
  }

  /** Every call into a plug-in in progress now, one per thread (its outermost call). */
  List<CallFrame> callsInProgress() {
    return watchdog.inProgress();
  }

  /** Where the host's instruments are (the reloads count theirs there too). */
  HostMetrics metrics() {
    return metrics;
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
    afterTimeouts.execute(continuation);
  }

  /** The threads that run what follows a time-out, for tests. */
  AfterTimeouts afterTimeouts() {
    return afterTimeouts;
  }

  /** Calls plug-in code on this thread; a failure is recorded before this returns. */
  HResult call(HostedPlugin plugin, String method, PluginCall call) {
    return guarded(plugin, method, call, null, false, Answers.SUCCESS, callTimeoutNanos);
  }

  /**
   * Calls plug-in code on this thread; if it is still running at the deadline, the watchdog runs
   * {@code onTimeout} (e.g. to answer the client) while this thread stays stuck in the plug-in.
   */
  HResult call(HostedPlugin plugin, String method, PluginCall call, Runnable onTimeout) {
    return guarded(plugin, method, call, onTimeout, false, Answers.SUCCESS, callTimeoutNanos);
  }

  /**
   * Like {@link #call}, for methods a plug-in may leave out: {@link HResult#E_NOTIMPL} is returned
   * but not recorded as a failure (the SDK sample answers {@code GetImpersonationAccountName} so).
   */
  HResult callOptional(HostedPlugin plugin, String method, PluginCall call, Runnable onTimeout) {
    return guarded(
        plugin, method, call, onTimeout, false, Answers.NOT_IMPLEMENTED, callTimeoutNanos);
  }

  /**
   * Like {@link #call}, for a question whose failing HRESULT is a legitimate answer (e.g. {@code
   * GetImpersonationToken} on a released context, which must answer {@code SEC_E_INVALID_HANDLE}):
   * only a throw, a null or a time-out is recorded as a failure.
   */
  HResult callForAnswer(HostedPlugin plugin, String method, PluginCall call, Runnable onTimeout) {
    return guarded(plugin, method, call, onTimeout, false, Answers.ANY, callTimeoutNanos);
  }

  /**
   * Like {@link #call}, for {@code Authenticate}: {@link HResult#NS_E_NO_NEW_CONNECTIONS} is the
   * plug-in saying a service it needs (the state store: full, or Redis unreachable) cannot serve
   * now, which the host answers 503 busy; it is not recorded as a failure of the plug-in.
   */
  HResult callMayBeBusy(HostedPlugin plugin, String method, PluginCall call, Runnable onTimeout) {
    return guarded(plugin, method, call, onTimeout, false, Answers.BUSY, callTimeoutNanos);
  }

  /** Which HRESULTs a call may return without failing. */
  private enum Answers {
    SUCCESS,
    NOT_IMPLEMENTED,
    BUSY,
    ANY
  }

  /**
   * Runs host code that calls into {@code plugin} where its calls belong: here, when the plug-in
   * declared itself non-blocking (and has never overrun a time limit) or this thread is already one
   * of its own; otherwise on its bulkhead, so that the caller (an event loop) never waits on code
   * that may block. {@code rejected} runs instead, at once, when the bulkhead is full or stopped.
   */
  void dispatch(HostedPlugin plugin, Runnable task, Runnable rejected) {
    Bulkhead own = plugin.bulkhead();
    if (runsInline(plugin)
        || (Thread.currentThread() instanceof Bulkhead.Worker w && w.bulkhead == own)) {
      task.run();
      return;
    }
    own.execute(task, rejected);
  }

  /** Whether calls into the plug-in are made on the caller's thread. */
  static boolean runsInline(HostedPlugin plugin) {
    return plugin.descriptor().nonBlocking() && !plugin.wedged();
  }

  /**
   * A life-cycle call (constructor, initialize, the description getters, enable, heartbeat,
   * disable, shutdown) on a thread of its own. The future always completes normally: with the
   * call's HResult, or {@link HResult#E_TIMEOUT} at the deadline.
   */
  CompletableFuture<HResult> callAsync(HostedPlugin plugin, String method, PluginCall call) {
    return onLifeCycleThread(plugin, method, call, false, callTimeoutNanos);
  }

  /**
   * {@link #callAsync} with a time limit of at most {@code limit}: the calls a stop makes
   * (DisablePlugin, ShutdownPlugin), which must end within the stop's bound whatever the configured
   * call time limit is.
   */
  CompletableFuture<HResult> callAsync(
      HostedPlugin plugin, String method, PluginCall call, Duration limit) {
    return onLifeCycleThread(
        plugin, method, call, false, Math.min(callTimeoutNanos, limit.toNanos()));
  }

  /**
   * A life-cycle call on a thread of its own, recording nothing: for the clean-up calls the host
   * makes after it has already recorded a failure, so that one fault is reported once. What goes
   * wrong is only written to the process log.
   */
  CompletableFuture<HResult> callQuietly(HostedPlugin plugin, String method, PluginCall call) {
    return onLifeCycleThread(plugin, method, call, true, callTimeoutNanos);
  }

  private CompletableFuture<HResult> onLifeCycleThread(
      HostedPlugin plugin, String method, PluginCall call, boolean quiet, long limitNanos) {
    CompletableFuture<HResult> result = new CompletableFuture<>();
    if (plugin.wedged()) {
      // A call into it never came back; another would only strand another thread.
      result.complete(HResult.E_TIMEOUT);
      return result;
    }
    Runnable task =
        () ->
            result.complete(
                guarded(
                    plugin,
                    method,
                    call,
                    () -> result.complete(HResult.E_TIMEOUT),
                    quiet,
                    Answers.SUCCESS,
                    limitNanos));
    ThreadPoolExecutor pool = lifeCycle;
    try {
      if (pool == null) {
        throw new RejectedExecutionException("the guard is stopped");
      }
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      log.warn("{} {} not called: the call guard is stopped", plugin, method);
      result.complete(HResult.NS_E_NO_NEW_CONNECTIONS);
    }
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
   * The containment guard refused a call the plug-in made (it tried to end the process or to
   * reflect into the host): reported here, once, and not again by the call in progress on this
   * thread, whatever that call makes of the refusal. Off any call (the plug-in's own thread) the
   * report stands alone.
   */
  void refused(HostedPlugin plugin, ForbiddenCall call) {
    plugin.countRefusal();
    for (CallFrame frame = watchdog.slot().current; frame != null; frame = frame.parent) {
      if (frame.plugin == plugin) {
        frame.refused = true;
        break;
      }
    }
    failures.forbidden(plugin, call);
  }

  /**
   * Whether this thread is inside the host's call of one of {@code methods} into the plug-in (null:
   * of any method).
   */
  boolean isCalling(HostedPlugin plugin, Set<String> methods) {
    for (CallFrame frame = watchdog.slot().current; frame != null; frame = frame.parent) {
      if (frame.plugin == plugin && (methods == null || methods.contains(frame.method))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The watchdog found a call past its deadline and claimed it. The bookkeeping happens on the
   * watchdog's thread; the report and the answers are handed on (see {@link #afterTimeout}).
   */
  private void timedOut(CallFrame frame, Thread thread) {
    frame.plugin.markWedged();
    Bulkhead own = frame.plugin.bulkhead();
    boolean ceiling = own.stuck(thread);
    // Frames the expired one encloses end with it, so their late return is not reported either.
    // Under the slot's lock, as the thread leaves calls: if it has left the expired one since the
    // watchdog read it, the frames it is in now belong to its next call and are none of this.
    CallWatchdog.Slot slot = watchdog.slotFor(thread);
    CallFrame stuck = null;
    if (slot != null) {
      synchronized (slot) {
        if (encloses(slot.current, frame)) {
          stuck = slot.current;
          for (CallFrame inner = stuck; inner != frame; inner = inner.parent) {
            inner.expire();
          }
        }
      }
    }
    String method = stuck == null ? frame.method : stuck.method;
    afterTimeout(
        () -> {
          // Before the client is answered, so that whoever sees the answer also sees the record.
          if (ceiling) {
            failures.leakCeiling(frame.plugin, own.settings().maxLeakedThreads());
          }
          reportTimeout(frame, method, slot);
          // Nothing waiting for the plug-in can be served by it any more: answered now, not when
          // a thread frees up (perhaps never).
          own.drain();
        });
  }

  private void reportTimeout(CallFrame frame, String method, CallWatchdog.Slot slot) {
    Thread thread = slot == null ? null : slot.thread;
    if (!frame.quiet) {
      String where =
          thread == null
                  || thread instanceof Bulkhead.Worker
                  || !frame.plugin.descriptor().nonBlocking()
              ? ""
              : " (called inline on "
                  + thread.getName()
                  + " because the plug-in declares non-blocking=true: every connection served by"
                  + " that thread waits until the call returns)";
      failures.failed(
          frame.plugin,
          frame.method,
          HResult.E_TIMEOUT,
          method
              + " did not return within "
              + frame.limitMillis
              + " ms; the host stops calling this plug-in until it is restarted"
              + where,
          null);
    } else {
      log.info(
          "{} {} did not return within {} ms during clean-up",
          frame.plugin,
          frame.method,
          frame.limitMillis);
    }
    for (CallFrame f = frame; f != null; f = f.parent) {
      if (f.onTimeout != null) {
        f.onTimeout.run();
      }
    }
    // Last, so that a plug-in which returns when interrupted finds its call already answered. Only
    // the host's own plug-in threads: an event loop (an inline call) is never interrupted, since
    // an interrupt that outlives the call would close whichever channel that loop touches next.
    // Only while the thread is still inside the expired call: by now it may have returned and be
    // in another plug-in's call, which the interrupt would abort (and put in error). The thread
    // leaves a call under the same lock, and clears what was delivered before it left.
    if (thread instanceof Bulkhead.Worker) {
      synchronized (slot) {
        if (encloses(slot.current, frame)) {
          thread.interrupt();
        }
      }
    }
  }

  /** Whether {@code frame} is {@code innermost} or one of the calls enclosing it. */
  private static boolean encloses(CallFrame innermost, CallFrame frame) {
    for (CallFrame f = innermost; f != null; f = f.parent) {
      if (f == frame) {
        return true;
      }
    }
    return false;
  }

  private HResult guarded(
      HostedPlugin plugin,
      String method,
      PluginCall call,
      Runnable onTimeout,
      boolean quiet,
      Answers answers,
      long limitNanos) {
    CallWatchdog.Slot slot = watchdog.slot();
    long started = clock.nanoTime();
    CallFrame frame =
        new CallFrame(
            plugin,
            method,
            started + limitNanos,
            TimeUnit.NANOSECONDS.toMillis(limitNanos),
            slot.current,
            onTimeout,
            quiet);
    slot.current = frame;
    int refusalsBefore = plugin.refusals();
    Thread thread = slot.thread;
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(plugin.classLoader());
    HResult hr;
    String detail = null;
    Throwable thrown = null;
    try {
      hr = call.invoke();
      if (hr == null) {
        hr = HResult.E_POINTER;
        detail = method + " returned null instead of an HResult";
      } else if (!hr.succeeded()
          && answers != Answers.ANY
          && !(answers == Answers.NOT_IMPLEMENTED && hr.equals(HResult.E_NOTIMPL))
          && !(answers == Answers.BUSY && hr.equals(HResult.NS_E_NO_NEW_CONNECTIONS))) {
        detail = method + " returned " + hr;
      }
    } catch (Throwable e) {
      thrown = e;
      hr = HResults.of(e);
      detail =
          method + " threw " + ThrowableText.of(e) + plugin.namedValues().placeOfRefused(method, e);
    } finally {
      thread.setContextClassLoader(previous);
      // Under the slot's lock: the watchdog's interrupt comes either before this (and is cleared
      // below) or not at all (see reportTimeout).
      synchronized (slot) {
        slot.current = frame.parent;
      }
    }
    // Every call, also one that failed or overran: its time is what the operator asks about.
    plugin.timing(metrics).observe(method, clock.nanoTime() - started);
    if (!frame.finish()) {
      // The watchdog already reported this call; an interrupt it caused is no news, nor an
      // exception that interrupt provoked. An Error is: an OutOfMemoryError thrown late may be why
      // the call overran, and the time-out alone would hide it.
      Thread.interrupted();
      if (thrown instanceof Error) {
        if (quiet) {
          log.warn("{} {} threw after its time limit during clean-up: {}", plugin, method, detail);
        } else {
          failures.failedAfterTimeout(plugin, method, hr, detail, frame.limitMillis);
        }
      }
      return HResult.E_TIMEOUT;
    }
    // A refused call (System.exit, reflection into the host) was reported as it was refused; what
    // the plug-in made of the refusal (a library may turn it into any exception) is no news. Known
    // by the refusals reported while the call ran, not by the exception: a plug-in could keep a
    // refusal and throw it again later to have a failure of its own go unreported.
    if (detail == null || frame.refused || plugin.refusals() != refusalsBefore) {
      return hr;
    }
    if (quiet) {
      log.info("{} {} failed during clean-up: {}", plugin, method, detail);
    } else {
      failures.failed(plugin, method, hr, detail, frame.logged);
    }
    return hr;
  }
}
