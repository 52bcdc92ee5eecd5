package org.authhost.host.diagnostics;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event the host keeps, from the host or from a plug-in, goes through here: into the durable
 * event log and, for errors and warnings, onto the troubleshooting list.
 */
@Singleton
public final class HostEvents {
  /** The source of events the host writes about itself. */
  public static final String HOST = "host";

  private static final Logger log = LoggerFactory.getLogger(HostEvents.class);

  private final EventLogStore store;
  private final TroubleshootingList troubleshooting;
  private final Clock clock;

  @Inject
  HostEvents(EventLogStore store, TroubleshootingList troubleshooting, Clock clock) {
    this.store = store;
    this.troubleshooting = troubleshooting;
    this.clock = clock;
  }

  /** The source of events the host writes about a plug-in: {@code host:<id>}. */
  public static String aboutPlugin(String pluginId) {
    return HOST + ":" + pluginId;
  }

  /**
   * Writes an event the host raises itself.
   *
   * @return the event-log record number, or 0 if the log could not take it
   */
  public long host(EventLevel level, String source, HResult code, String text) {
    return write(level, source, code, text, false);
  }

  /** Writes an event a plug-in logged through {@code EventLog.logEvent}. */
  public long plugin(EventLevel level, String pluginId, HResult code, String text) {
    return write(level, pluginId, code, text, true);
  }

  private long write(EventLevel level, String source, HResult code, String raw, boolean byPlugin) {
    // Texts quote plug-ins and clients; a raw control character would reach every console and log
    // line that shows the event.
    String text = ControlCharacters.escape(raw);
    long recordNumber = 0;
    try {
      EventRecord record = store.append(level, source, code, text);
      recordNumber = record.recordNumber();
    } catch (Exception e) {
      // The log is the operator's record; losing it must at least reach the process log.
      log.error(
          "could not write event ({} {} {}: {}) to the event log", level, source, code, text, e);
    }
    if (level != EventLevel.INFORMATION) {
      DiagnosticType type =
          level == EventLevel.ERROR
              ? (byPlugin
                  ? DiagnosticType.PLUGIN_EVENT_LOG_ERROR
                  : DiagnosticType.SERVER_EVENT_LOG_ERROR)
              : (byPlugin
                  ? DiagnosticType.PLUGIN_EVENT_LOG_WARNING
                  : DiagnosticType.SERVER_EVENT_LOG_WARNING);
      troubleshooting.add(
          new TroubleshootingEntry(0, clock.instant(), type, source, code, text, recordNumber));
    }
    return recordNumber;
  }
}
