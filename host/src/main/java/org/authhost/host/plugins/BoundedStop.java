package org.authhost.host.plugins;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.diagnostics.HostEvents;

/**
 * How the plug-ins stop in bounded time whatever they do (issue 11: a stop used to wait for the
 * whole queued backlog): calls waiting for a thread are answered at once, calls in progress get
 * {@link #IN_FLIGHT_GRACE}, then every plug-in gets its DisablePlugin and ShutdownPlugin at once,
 * each within {@link #CALL_LIMIT} through the guard; what is still running then is left behind and
 * named in one WARNING per plug-in. At most about 6 s in all, well inside the host's 10 s.
 *
 * <p>Real time, not the host clock: the bound is the process's, which must exit on time also when a
 * test's clock stands still.
 */
final class BoundedStop {
  /**
   * How long, from the start of a stop, the calls in progress get to end before the plug-ins are
   * disabled anyway.
   */
  static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(2);

  /**
   * The time limit of the DisablePlugin and of the ShutdownPlugin a stop makes (or the configured
   * call time limit, if shorter).
   */
  static final Duration CALL_LIMIT = Duration.ofMillis(1500);

  /** What a stop allows beyond its calls' limits for the watchdog to notice them. */
  private static final Duration SLACK = Duration.ofMillis(500);

  private final PluginGuard guard;
  private final HostEvents events;

  /** When the calls in progress at a stop must have ended (a System.nanoTime() reading), or 0. */
  private volatile long graceEnds;

  /** What the stop is, as its WARNING names it ("host stopping"). */
  private final String occasion;

  BoundedStop(PluginGuard guard, HostEvents events) {
    this(guard, events, "host stopping");
  }

  /**
   * @param occasion what the stop is, for the WARNING about calls it abandons (the unload of one
   *     replaced version stops that version alone)
   */
  BoundedStop(PluginGuard guard, HostEvents events, String occasion) {
    this.guard = guard;
    this.events = events;
    this.occasion = occasion;
  }

  /** No plug-in takes a new call that may block; those waiting are answered. Idempotent. */
  void stopTakingCalls(Collection<HostedPlugin> plugins) {
    if (graceEnds == 0) {
      graceEnds = System.nanoTime() + IN_FLIGHT_GRACE.toNanos();
    }
    for (HostedPlugin plugin : plugins) {
      plugin.heartbeat(null);
      plugin.bulkhead().stop();
    }
  }

  /**
   * Stops taking calls (if not yet), waits what is left of the grace, then disables and shuts down
   * every plug-in at once: plug-ins are independent, as when they start, so one that hangs in
   * DisablePlugin delays none of the others, and the stop takes two call limits however many there
   * are.
   *
   * @return the plug-ins with calls still running, which the stop abandoned
   */
  Set<HostedPlugin> disableAndShutDown(List<HostedPlugin> plugins) {
    stopTakingCalls(plugins);
    awaitCallsInProgress(plugins);
    List<CompletableFuture<Void>> ends = plugins.stream().map(this::disableAndShutDown).toList();
    long end = System.nanoTime() + 2 * CALL_LIMIT.toNanos() + SLACK.toNanos();
    for (CompletableFuture<Void> e : ends) {
      try {
        e.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException late) {
        // Recorded below with every other call left running.
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    graceEnds = 0;
    return recordAbandoned(plugins);
  }

  /** Waits, up to the end of the grace, for the calls in progress of plug-ins still usable. */
  private void awaitCallsInProgress(List<HostedPlugin> plugins) {
    for (HostedPlugin plugin : plugins) {
      // A plug-in with a call past its time limit has shown that it may never return.
      if (plugin.wedged()) {
        continue;
      }
      try {
        plugin.bulkhead().awaitCalls(Math.max(0, graceEnds - System.nanoTime()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** DisablePlugin (if enabled), then ShutdownPlugin (if initialized), each time-limited. */
  private CompletableFuture<Void> disableAndShutDown(HostedPlugin plugin) {
    CompletableFuture<HResult> disabled = CompletableFuture.completedFuture(HResult.S_OK);
    if (plugin.isEnabled()) {
      // Out of service first, so a failing DisablePlugin is not answered with another one.
      plugin.disabled();
      disabled =
          guard.callAsync(plugin, "DisablePlugin", () -> plugin.instance().disable(), CALL_LIMIT);
    }
    return disabled.thenCompose(
        hr ->
            plugin.initialized()
                ? guard
                    .callAsync(
                        plugin, "ShutdownPlugin", () -> plugin.instance().shutdown(), CALL_LIMIT)
                    .thenApply(ignored -> null)
                : CompletableFuture.completedFuture(null));
  }

  /**
   * One WARNING per plug-in that still has calls running, naming them: the stop leaves them behind
   * (their threads are daemons and end with the process).
   */
  private Set<HostedPlugin> recordAbandoned(List<HostedPlugin> stopped) {
    Map<HostedPlugin, Map<String, Integer>> left = running();
    // Only what this stop stopped: another version of the same id goes on serving.
    left.keySet().retainAll(stopped);
    left.forEach(
        (plugin, calls) ->
            events.host(
                EventLevel.WARNING,
                HostEvents.aboutPlugin(plugin.id()),
                HResult.E_ABORT,
                occasion
                    + ": plug-in '"
                    + plugin.id()
                    + "' did not return from "
                    + describe(calls)
                    + "; the stop abandoned "
                    + (calls.size() == 1 && calls.values().iterator().next() == 1 ? "it" : "them")
                    + " and goes on without waiting. Fix: have the plug-in return from its calls,"
                    + " DisablePlugin and ShutdownPlugin within "
                    + CALL_LIMIT.toMillis()
                    + " ms of a stop"));
    return left.keySet();
  }

  /** What is still running in plug-in code now, one line per plug-in. */
  List<String> callsInProgress() {
    List<String> lines = new ArrayList<>();
    running()
        .forEach((plugin, calls) -> lines.add("plug-in '" + plugin.id() + "': " + describe(calls)));
    return lines;
  }

  /** Per plug-in, the calls running in it now and how many of each, by name. */
  private Map<HostedPlugin, Map<String, Integer>> running() {
    Map<HostedPlugin, Map<String, Integer>> running = new LinkedHashMap<>();
    for (CallFrame call : guard.callsInProgress()) {
      if (call.plugin != null) {
        running
            .computeIfAbsent(call.plugin, p -> new TreeMap<>())
            .merge(call.method, 1, Integer::sum);
      }
    }
    return running;
  }

  /** {@code Authenticate (2 calls), DisablePlugin}. */
  private static String describe(Map<String, Integer> calls) {
    List<String> parts = new ArrayList<>();
    calls.forEach((method, n) -> parts.add(n == 1 ? method : method + " (" + n + " calls)"));
    return String.join(", ", parts);
  }
}
