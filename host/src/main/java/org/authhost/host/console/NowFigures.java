package org.authhost.host.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.http.HttpFront;
import org.authhost.host.plugins.PluginHost;

/**
 * The Now pane's figures, from what the host already knows: the HTTP front's open connections, the
 * plug-in counts, lockouts, console sessions, and the logons of the last minute by plug-in and
 * result, counted from the audit (one bounded read of the last minute). Figures the host does not
 * count yet (requests per second, handshakes in progress) are {@code null}, shown as "not
 * measured".
 */
final class NowFigures {
  /** The most audit records one look reads: a flood is summarised by the audit anyway. */
  static final int MAX_RECORDS = 20_000;

  private static final Pattern LOGON =
      Pattern.compile("^(?:anonymous )?logon (succeeded|failed): .* plugin=([a-z0-9-]+)");

  private final HttpFront http;
  private final PluginHost plugins;
  private final LogonThrottle throttle;
  private final EventLogStore log;
  private final ConsoleSessions sessions;
  private final Clock clock;

  NowFigures(
      HttpFront http,
      PluginHost plugins,
      LogonThrottle throttle,
      EventLogStore log,
      ConsoleSessions sessions,
      Clock clock) {
    this.http = http;
    this.plugins = plugins;
    this.throttle = throttle;
    this.log = log;
    this.sessions = sessions;
    this.clock = clock;
  }

  Map<String, Object> figures() {
    Instant now = clock.instant();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", now.toString());
    m.put("connections", http.openConnections());
    m.put("handshakesInProgress", null);
    m.put("requestsPerSecond", null);
    m.put("plugins", plugins.counts().describe());
    m.put("lockouts", throttle.lockouts().size());
    m.put("consoleSessions", sessions.open());
    m.put("lastRecord", log.lastRecordNumber());
    // plug-in -> result -> count, over the last minute.
    Map<String, Map<String, Integer>> logons = new TreeMap<>();
    List<EventRecord> minute =
        log.query(
            EventQuery.all()
                .withSource(HostEvents.AUDIT)
                .withFrom(now.minus(Duration.ofMinutes(1)))
                .withContaining("logon ")
                .withLimit(MAX_RECORDS));
    for (EventRecord r : minute) {
      Matcher match = LOGON.matcher(r.text());
      if (match.find()) {
        logons
            .computeIfAbsent(match.group(2), k -> new TreeMap<>())
            .merge(match.group(1), 1, Integer::sum);
      }
    }
    m.put("logonsLastMinute", logons);
    return m;
  }
}
