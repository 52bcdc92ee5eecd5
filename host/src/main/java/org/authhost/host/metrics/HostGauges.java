package org.authhost.host.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.http.HttpFront;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.plugins.PluginStatus;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.rtsp.RtspFront;

/**
 * What {@code /metrics} reads from the host's parts when it is scraped, rather than counting as it
 * happens: the connections open, each plug-in's status, the lockouts in force, the event log's
 * appends. Nothing of it runs on the request path.
 */
@Singleton
final class HostGauges {
  /** The {@code state} label values of {@code authhost_plugin_status}. */
  static final String ENABLED = "enabled";

  static final String DISABLED = "disabled";
  static final String ERROR = "error";
  private static final String[] STATES = {ENABLED, DISABLED, ERROR};

  @Inject
  HostGauges(
      HostMetrics metrics,
      HttpFront http,
      RtspFront rtsp,
      PluginHost plugins,
      LogonThrottle throttle,
      EventLogStore eventLog) {
    var registry = metrics.registry();
    GaugeWithCallback.builder()
        .name("authhost_connections_open")
        .help("Client connections open now, by front")
        .labelNames("front")
        .callback(
            c -> {
              c.call(http.connectionsOpen(), HostMetrics.HTTP);
              c.call(rtsp.connectionsOpen(), HostMetrics.RTSP);
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("authhost_plugin_status")
        .help(
            "Each plug-in's status (IWMSPlugin.Status): 1 for the state it is in, 0 for the others;"
                + " a JAR the host refused is in error")
        .labelNames("plugin", "state")
        .callback(
            c ->
                statesById(plugins)
                    .forEach(
                        (id, state) -> {
                          for (String s : STATES) {
                            c.call(s.equals(state) ? 1 : 0, id, s);
                          }
                        }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("authhost_lockouts_active")
        .help("Lockouts in force now, of accounts and of addresses")
        .labelNames("kind")
        .callback(
            c -> {
              int addresses = 0;
              int accounts = 0;
              for (LogonThrottle.Lockout lockout : throttle.lockouts()) {
                if (lockout.key().startsWith("ip:")) {
                  addresses++;
                } else {
                  accounts++;
                }
              }
              c.call(accounts, "account");
              c.call(addresses, "address");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("authhost_event_log_appends_total")
        .help("Records appended to the event log since the host started")
        .callback(c -> c.call(eventLog.appends()))
        .register(registry);
    CounterWithCallback.builder()
        .name("authhost_event_log_appended_bytes_total")
        .help("Bytes of the records appended to the event log since the host started")
        .callback(c -> c.call(eventLog.appendedBytes()))
        .register(registry);
  }

  /**
   * One state per plug-in id: the version in service, else a refused JAR's (whose id is the file
   * name if it could not be read, a name from the operator's folder either way). A draining or
   * superseded version is no state of the plug-in's.
   */
  static Map<String, String> statesById(PluginHost plugins) {
    Map<String, String> states = new LinkedHashMap<>();
    List<PluginView> views = plugins.plugins();
    for (PluginView view : views) {
      if (PluginView.CURRENT.equals(view.state())) {
        states.put(view.id(), stateOf(view.status()));
      }
    }
    for (PluginView view : views) {
      if (PluginView.REFUSED.equals(view.state())) {
        states.putIfAbsent(view.id(), ERROR);
      }
    }
    return states;
  }

  static String stateOf(int status) {
    if ((status & PluginStatus.ERROR) != 0) {
      return ERROR;
    }
    return (status & PluginStatus.ENABLED) != 0 ? ENABLED : DISABLED;
  }
}
