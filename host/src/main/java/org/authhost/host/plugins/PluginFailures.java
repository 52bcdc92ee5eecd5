package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.containment.ForbiddenCall;
import org.authhost.host.diagnostics.ControlCharacters;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.metrics.HostMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the host does when a plug-in fails: the WMS rules in one place.
 *
 * <ul>
 *   <li>Every failure sets the ERROR bit and ErrorCode / ErrorText and takes the plug-in out of
 *       service (an authentication plug-in in error is never offered: fail closed).
 *   <li>The host writes an ERROR event (which also puts it on the troubleshooting list), unless the
 *       code is {@code NS_E_PLUGIN_ERROR_REPORTED}.
 *   <li>{@code NS_E_PLUGIN_ERROR_REPORTED} after the plug-in logged in that call: its own event is
 *       the record and the troubleshooting entry; ErrorCode / ErrorText are what it logged.
 *   <li>{@code NS_E_PLUGIN_ERROR_REPORTED} with nothing logged in that call: a plug-in bug, so the
 *       host writes a WARNING saying so (the only trace the failure would otherwise leave).
 * </ul>
 */
@Singleton
final class PluginFailures {
  private static final Logger log = LoggerFactory.getLogger(PluginFailures.class);

  private final HostEvents events;
  // Until the plug-in host exists nothing is sent, so nothing is pending either.
  private volatile Disabler disabler =
      (plugin, reason) -> plugin.disablingAfterFailure(CompletableFuture.completedFuture(reason));

  /** How the plug-in host takes a failed plug-in out of service; set once it exists. */
  interface Disabler {
    void disableAfterFailure(HostedPlugin plugin, HResult reason);
  }

  private final HostMetrics metrics;

  @Inject
  PluginFailures(HostEvents events, HostMetrics metrics) {
    this.events = events;
    this.metrics = metrics;
  }

  /** Failures nobody counts (tests of the guard alone). */
  PluginFailures(HostEvents events) {
    this(events, new HostMetrics());
  }

  void disableWith(Disabler disabler) {
    this.disabler = disabler;
  }

  /**
   * A call failed.
   *
   * @param lastLogged the WARNING or ERROR the plug-in logged during the call, or null
   */
  void failed(
      HostedPlugin plugin, String method, HResult code, String detail, LoggedEvent lastLogged) {
    if (plugin.trial()) {
      // New named values refused by an instance never in service: the caller says so (the
      // console's 422); no ERROR event, troubleshooting entry or failure count for the plug-in
      // that goes on serving with its values. The instance keeps the error to be read and goes.
      boolean reported = code.equals(HResult.NS_E_PLUGIN_ERROR_REPORTED) && lastLogged != null;
      boolean wasEnabled =
          plugin.failed(
              reported && lastLogged.code().failed() ? lastLogged.code() : code,
              ControlCharacters.escape(
                  reported
                      ? lastLogged.text()
                      : "plug-in '" + plugin.id() + "' failed in " + method + ": " + detail));
      log.info("{} refused new named values in {}: {} {}", plugin, method, code, detail);
      if (wasEnabled) {
        disabler.disableAfterFailure(plugin, code);
      }
      return;
    }
    metrics.pluginFailed(plugin.id());
    if (code.equals(HResult.NS_E_PLUGIN_ERROR_REPORTED)) {
      if (lastLogged != null) {
        // ErrorCode is what it logged, unless it logged a success code (e.g. a WARNING with S_OK).
        markFailed(
            plugin, lastLogged.code().failed() ? lastLogged.code() : code, lastLogged.text());
        return;
      }
      String text =
          "plug-in '"
              + plugin.id()
              + "' returned "
              + code
              + " from "
              + method
              + " but logged no event in that call, so the error it reports is lost. This is a bug in the "
              + "plug-in: call EventLog.logEvent before returning NS_E_PLUGIN_ERROR_REPORTED, or return the "
              + "real failure code";
      events.host(EventLevel.WARNING, HostEvents.aboutPlugin(plugin.id()), code, text);
      markFailed(
          plugin, code, method + " returned NS_E_PLUGIN_ERROR_REPORTED without logging an event");
      return;
    }
    String text = "plug-in '" + plugin.id() + "' failed in " + method + ": " + detail;
    events.host(EventLevel.ERROR, HostEvents.aboutPlugin(plugin.id()), code, text);
    markFailed(plugin, code, text);
  }

  /**
   * A call the watchdog already reported as timed out ended later by throwing an {@link Error}: the
   * record must name it (an {@code OutOfMemoryError} explains the time-out, and a time-out alone
   * would hide it). One ERROR event; the plug-in is already in error, its ErrorCode stays the
   * time-out that took it out of service.
   */
  void failedAfterTimeout(
      HostedPlugin plugin, String method, HResult code, String detail, long limitMillis) {
    String fix =
        code.equals(HResult.E_OUTOFMEMORY)
            ? "the host's Java heap may be exhausted: restart the host (with a larger -Xmx if the"
                + " heap is too small) and have the plug-in's memory use fixed"
            : "./authhost plugins reload "
                + plugin.id()
                + " loads the plug-in afresh (or restart the host); have the plug-in fixed";
    events.host(
        EventLevel.ERROR,
        HostEvents.aboutPlugin(plugin.id()),
        code,
        "plug-in '"
            + plugin.id()
            + "' failed in "
            + method
            + " after its time limit of "
            + limitMillis
            + " ms had passed (already reported as a time-out): "
            + detail
            + ". Fix: "
            + fix);
    log.warn("{} failed after its time limit: {} {}", plugin, code, detail);
  }

  /** A problem that is reported but does not take the plug-in out of service. */
  void warn(HostedPlugin plugin, HResult code, String text) {
    events.host(
        EventLevel.WARNING,
        HostEvents.aboutPlugin(plugin.id()),
        code,
        "plug-in '" + plugin.id() + "': " + text);
  }

  /**
   * A plug-in's calls have left {@code leaked} threads stuck past their time limit: its bulkhead's
   * ceiling. One ERROR event; the plug-in itself is already in error (each time-out put it there).
   */
  void leakCeiling(HostedPlugin plugin, int leaked) {
    events.host(
        EventLevel.ERROR,
        HostEvents.aboutPlugin(plugin.id()),
        HResult.E_TIMEOUT,
        "plug-in '"
            + plugin.id()
            + "' has "
            + leaked
            + " thread(s) stuck in calls that never returned, its ceiling (maxLeakedThreads);"
            + " the host replaces no more of them. Restart the host to reclaim them, and fix or"
            + " remove the plug-in");
  }

  /**
   * The containment guard refused a call of the plug-in's (it tried to end the process, or to
   * reflect into the host): an ERROR event naming the plug-in, its file and the call (once per kind
   * of call until the operator enables it again), and the plug-in is out of service, as after any
   * ERROR about it.
   */
  void forbidden(HostedPlugin plugin, ForbiddenCall call) {
    String text =
        "plug-in '"
            + plugin.id()
            + "' ("
            + plugin.descriptor().file()
            + ") called "
            + call.describe()
            + ". Fix the plug-in or remove its JAR; the operator can enable it again once fixed";
    if (plugin.firstRefusalOf(call.kind())) {
      events.host(
          EventLevel.ERROR, HostEvents.aboutPlugin(plugin.id()), HResult.E_ACCESSDENIED, text);
    }
    markFailed(plugin, HResult.E_ACCESSDENIED, text);
  }

  /** The plug-in logged an ERROR event: WMS disables it, recording what it logged. */
  void loggedError(HostedPlugin plugin, HResult code, String text) {
    markFailed(plugin, code, text);
  }

  private void markFailed(HostedPlugin plugin, HResult code, String raw) {
    // ErrorText is printed on consoles (run, plugins) and may quote the plug-in's own words.
    String text = ControlCharacters.escape(raw);
    boolean wasEnabled = plugin.failed(code, text);
    log.warn("{} is in error: {} {}", plugin, code, text);
    if (wasEnabled) {
      disabler.disableAfterFailure(plugin, code);
    }
  }

  /** What a plug-in logged last, kept so that NS_E_PLUGIN_ERROR_REPORTED can name it. */
  record LoggedEvent(EventLevel level, HResult code, String text) {}
}
