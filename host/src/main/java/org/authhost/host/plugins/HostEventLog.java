package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.tokens.LogonCaller;

/**
 * The event log as plug-ins see it ({@code IWMSEventLog}). A plug-in is known by the named values
 * the host gave it; an ERROR disables the plug-in that logged it, as WMS does.
 *
 * <p>One exception, since API 1.4: an ERROR whose code is a success ({@code S_OK}) is a failure of
 * something the plug-in depends on, which it handles itself and recovers from (a provider it cannot
 * reach: it refuses clients and comes back by itself). WMS passes a failing HRESULT with every
 * ERROR, and a plug-in that fails returns one ({@code NS_E_PLUGIN_ERROR_REPORTED} after its own
 * event), so the code is what says "I am failing"; the level only says how bad it is for the
 * operator. A plug-in built for an older API keeps the WMS rule whatever the code.
 */
@Singleton
final class HostEventLog implements EventLog {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostEventLog.class);

  private final HostEvents events;
  private final PluginFailures failures;
  private final PluginGuard guard;
  private final Map<NamedValues, HostedPlugin> plugins = new ConcurrentHashMap<>();

  @Inject
  HostEventLog(HostEvents events, PluginFailures failures, PluginGuard guard) {
    this.events = events;
    this.failures = failures;
    this.guard = guard;
  }

  void register(HostedPlugin plugin) {
    plugins.put(plugin.namedValues(), plugin);
  }

  void unregister(HostedPlugin plugin) {
    plugins.remove(plugin.namedValues());
  }

  @Override
  public HResult logEvent(
      NamedValues pluginNamedValues, EventLevel level, HResult code, String text) {
    HostedPlugin plugin = pluginNamedValues == null ? null : plugins.get(pluginNamedValues);
    if (plugin == null || level == null) {
      return HResult.E_INVALIDARG;
    }
    HResult hr = code == null ? HResult.S_OK : code;
    String message = text == null ? "" : text;
    // INFORMATION logged while answering a client (LogonCaller is set around Authenticate) is
    // about that client, one per request it chooses to send: summarised per client, not echoed.
    String client = level == EventLevel.INFORMATION ? LogonCaller.address() : null;
    if (client != null) {
      events.pluginAboutClient(plugin.id(), client, hr, message);
      return HResult.S_OK;
    }
    PluginFailures.LoggedEvent event = new PluginFailures.LoggedEvent(level, hr, message);
    if (level != EventLevel.INFORMATION && plugin.holdIfOnTrial(event)) {
      // An instance that only tries new named values, not yet in service: held. Refused, what it
      // said is the refusal the console answers with (the LoggedEvent), not an event of the
      // plug-in in service, which goes on with its values; accepted, it is written then
      // (PluginReloads.reconfigure), a warning such as NTLM's allowNtlmV1 included.
      LOG.info("plug-in '{}' trying new named values: {} {} {}", plugin.id(), level, hr, message);
      guard.noteLogged(plugin, event);
      if (level == EventLevel.ERROR && takesOutOfService(plugin, hr)) {
        failures.loggedError(plugin, hr, message);
      }
      return HResult.S_OK;
    }
    long recordNumber = events.plugin(level, plugin.id(), hr, message);
    if (level != EventLevel.INFORMATION) {
      guard.noteLogged(plugin, event);
    }
    if (level == EventLevel.ERROR && takesOutOfService(plugin, hr)) {
      // Even when the log could not take the event: an ERROR takes the plug-in out (fail closed).
      failures.loggedError(plugin, hr, message);
    }
    return recordNumber == 0 ? HResult.E_FAIL : HResult.S_OK;
  }

  /** Whether an ERROR this plug-in logged with {@code code} puts it in error (see the class). */
  private static boolean takesOutOfService(HostedPlugin plugin, HResult code) {
    return code.failed() || plugin.descriptor().apiVersion().isBefore(ApiVersion.V1_4);
  }
}
