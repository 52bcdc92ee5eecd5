package org.authhost.host.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.metrics.LiveFigures;
import org.authhost.host.metrics.NowFigures;
import org.authhost.host.plugins.PluginHost;

/**
 * The Now pane's figures: the live figures the metrics count (connections, handshakes in progress,
 * requests per second, logons of the last minute by plug-in and result), with what the host knows
 * besides (plug-in counts, lockouts, console sessions, the newest event). Cheap: no read of the
 * event log beyond its last record number.
 */
final class NowPane {
  private final LiveFigures figures;
  private final PluginHost plugins;
  private final LogonThrottle throttle;
  private final EventLogStore log;
  private final ConsoleSessions sessions;

  NowPane(
      LiveFigures figures,
      PluginHost plugins,
      LogonThrottle throttle,
      EventLogStore log,
      ConsoleSessions sessions) {
    this.figures = figures;
    this.plugins = plugins;
    this.throttle = throttle;
    this.log = log;
    this.sessions = sessions;
  }

  Map<String, Object> figures() {
    NowFigures now = figures.now();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", now.at().toString());
    m.put("connections", now.openConnections());
    m.put("handshakesInProgress", now.handshakesInProgress());
    m.put("requestsPerSecond", Math.round(now.requestsPerSecond() * 10) / 10.0);
    m.put("plugins", plugins.counts().describe());
    m.put("lockouts", throttle.lockouts().size());
    m.put("consoleSessions", sessions.open());
    m.put("lastRecord", log.lastRecordNumber());
    List<Map<String, Object>> logons =
        now.logonsLastMinute().stream()
            .map(
                r ->
                    Map.<String, Object>of(
                        "plugin", r.plugin(), "result", r.result(), "count", r.count()))
            .toList();
    m.put("logonsLastMinute", logons);
    return m;
  }
}
