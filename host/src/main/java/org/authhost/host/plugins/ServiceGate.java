package org.authhost.host.plugins;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.authhost.api.Capability;
import org.authhost.api.HResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides whether a plug-in's call into a host service may go ahead, for one
 * plug-in. Every service object the plug-in receives ({@link GatedServices}) asks here first.
 *
 * <ul>
 *   <li><b>New work</b> (logging on, reading a credential, logging an event) only while the plug-in
 *       is in service: usable, or being brought into service by the host (InitializePlugin,
 *       EnablePlugin). A disabled or failed plug-in's own threads are refused with {@link
 *       #NOT_IN_SERVICE}. Events are also taken on the thread of the host's DisablePlugin or
 *       ShutdownPlugin call, the plug-in's last word about what it is closing.
 *   <li><b>Release work</b> (closing and querying its own token handles) while it is loaded: a
 *       context closes its handle when released (SSPI's ownership rule), also while the host
 *       disables or drains the plug-in.
 *   <li><b>After unload</b> everything is refused.
 *   <li><b>Capabilities</b>: new work that needs a {@link Capability} the plug-in does not hold is
 *       refused with {@link HResult#E_ACCESSDENIED}.
 * </ul>
 *
 * <p>Each kind of refusal is one WARNING event per plug-in until the plug-in's state changes
 * (enabled, disabled, failed, unloaded): a thread left running can make millions of calls, and the
 * log must stay readable. The next event of that kind counts the calls refused silently before it.
 * A call the host was making into the plug-in when it left service (a call past its time limit that
 * returns late) is refused without an event: what took the plug-in out is already reported, and the
 * thread is the host's, not one the plug-in left running.
 */
final class ServiceGate {
  private static final Logger log = LoggerFactory.getLogger(ServiceGate.class);

  /**
   * The answer to a plug-in that is not in service: the code the host already gives a session with
   * a plug-in that is not usable ("the server or publishing point is in a critical error state").
   */
  static final HResult NOT_IN_SERVICE = HResult.NS_E_CRITICAL_ERROR;

  /** The host's calls during which a plug-in that is leaving service may still log events. */
  private static final Set<String> RELEASE_CALLS =
      Set.of(PluginHost.DISABLE_PLUGIN, PluginHost.SHUTDOWN_PLUGIN);

  private final HostedPlugin plugin;
  private final PluginGuard guard;
  private final PluginFailures failures;
  private final BooleanSupplier hostStopping;
  private final ConcurrentHashMap<String, Reported> reported = new ConcurrentHashMap<>();

  /**
   * @param hostStopping whether the host is stopping: its event log may be closed by the time a
   *     thread left running calls, so such refusals go to the process log
   */
  ServiceGate(
      HostedPlugin plugin,
      PluginGuard guard,
      PluginFailures failures,
      BooleanSupplier hostStopping) {
    this.plugin = plugin;
    this.guard = guard;
    this.failures = failures;
    this.hostStopping = hostStopping;
  }

  /**
   * New work that needs {@code needed} (null: none).
   *
   * @return null to go ahead, or the HResult to answer instead
   */
  HResult newWork(String method, Capability needed) {
    if (!plugin.isLoaded()) {
      return unloaded(method);
    }
    if (!plugin.inService()) {
      return notInService(method);
    }
    if (needed != null && !plugin.capabilities().contains(needed)) {
      return refuse(
          "capability " + needed.descriptorName(),
          HResult.E_ACCESSDENIED,
          thread()
              + " called "
              + method
              + ", which needs the capability '"
              + needed.descriptorName()
              + "', but the plug-in holds "
              + CapabilityGrant.names(plugin.capabilities())
              + ": refused with "
              + HResult.E_ACCESSDENIED
              + ". If it should have it, declare "
              + needed.descriptorName()
              + " in its descriptor (api-version=1.3, capabilities=...) and grant it in"
              + " plugins.settings."
              + plugin.id()
              + ".capabilities in host.json, then restart the host (grants are read at start;"
              + " 'plugins enable' does not reread them)");
    }
    return null;
  }

  /** Logging an event: new work, but also the last word of a plug-in the host is disabling. */
  HResult event(String method) {
    if (plugin.isLoaded() && !plugin.inService() && guard.isCalling(plugin, RELEASE_CALLS)) {
      return null;
    }
    return newWork(method, null);
  }

  /** Release work on what the plug-in already holds: while it is loaded. */
  HResult release(String method) {
    return plugin.isLoaded() ? null : unloaded(method);
  }

  private HResult unloaded(String method) {
    return refuse(
        "unloaded",
        NOT_IN_SERVICE,
        thread()
            + " called "
            + method
            + " after the plug-in was unloaded: refused with "
            + NOT_IN_SERVICE
            + ". The plug-in left a thread running; stop every thread it starts in ShutdownPlugin");
  }

  private HResult notInService(String method) {
    if (guard.isCalling(plugin, null)) {
      log.info(
          "{} called {} in a call the host made before it left service: refused with {}",
          plugin,
          method,
          NOT_IN_SERVICE);
      return NOT_IN_SERVICE;
    }
    int status = plugin.status();
    String state =
        (status & PluginStatus.ERROR) != 0
            ? "in error"
            : plugin.wedged() ? "unusable (a call never returned)" : "disabled";
    return refuse(
        "not in service",
        NOT_IN_SERVICE,
        thread()
            + " called "
            + method
            + " while the plug-in is "
            + state
            + ": refused with "
            + NOT_IN_SERVICE
            + ". The host takes no new work from a plug-in that is not enabled; stop the threads"
            + " the plug-in starts in DisablePlugin (closing its own handles still works)");
  }

  /** Answers {@code code}, with one WARNING per kind until the plug-in's state changes. */
  private HResult refuse(String kind, HResult code, String text) {
    int epoch = plugin.epoch();
    long[] silent = {-1};
    reported.compute(
        kind,
        (k, last) -> {
          if (last != null && last.epoch == epoch) {
            last.silent.incrementAndGet();
            return last;
          }
          silent[0] = last == null ? 0 : last.silent.get();
          return new Reported(epoch);
        });
    if (silent[0] >= 0) {
      String full =
          text
              + (silent[0] > 0
                  ? "; " + silent[0] + " more such call(s) were refused before its last change"
                  : "")
              + ". Until the plug-in's state changes, further such calls are refused without an"
              + " event";
      if (hostStopping.getAsBoolean()) {
        log.warn("plug-in '{}': {}", plugin.id(), full);
      } else {
        failures.warn(plugin, code, full);
      }
    }
    return code;
  }

  private static String thread() {
    return "its thread '" + Thread.currentThread().getName() + "'";
  }

  /** The state in which a kind of refusal was last reported, and how many followed silently. */
  private static final class Reported {
    final int epoch;
    final AtomicLong silent = new AtomicLong();

    Reported(int epoch) {
      this.epoch = epoch;
    }
  }
}
