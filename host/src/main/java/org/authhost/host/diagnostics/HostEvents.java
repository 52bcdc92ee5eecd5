package org.authhost.host.diagnostics;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.HostConfig;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event the host keeps, from the host or from a plug-in, goes through here: into the durable
 * event log and, for the errors and warnings of the host and its plug-ins, onto the troubleshooting
 * list. The audit of client access is written here too, but never onto that list: what clients do
 * is not a problem of the server's, and a client must never be able to evict the operator's records
 * (WMS keeps plug-in and server events there, not refused clients).
 */
@Singleton
public final class HostEvents {
  /** The source of events the host writes about itself. */
  public static final String HOST = "host";

  /** The source of the audit of client access. */
  public static final String AUDIT = "audit";

  private static final Logger log = LoggerFactory.getLogger(HostEvents.class);

  private final EventLogStore store;
  private final TroubleshootingList troubleshooting;
  private final Clock clock;
  private final boolean echoAudit;
  private final Duration floodWindow;
  private final Map<String, AuditFloods> clientEvents = new ConcurrentHashMap<>();

  /** The timer that writes those events' summaries when their window ends: the audit's. */
  private volatile AuditFloods.WindowEnds windowEnds = AuditFloods.WindowEnds.NONE;

  @Inject
  HostEvents(
      EventLogStore store, TroubleshootingList troubleshooting, Clock clock, HostConfig config) {
    this.store = store;
    this.troubleshooting = troubleshooting;
    this.clock = clock;
    this.echoAudit = config.eventLog().echoAudit();
    this.floodWindow = Duration.ofSeconds(config.eventLog().auditSummarySeconds());
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

  /**
   * From now on, writes each damage the event log finds (first what it found when it opened) as a
   * host event: an ERROR for damaged records, a WARNING for a torn last record cut off after a
   * crash, each naming the segment file, the offset and where the bytes are kept, and each on the
   * troubleshooting list.
   */
  public void reportEventLogDamage() {
    store.reportDamageTo(damage -> host(damage.level(), HOST, damage.hresult(), damage.describe()));
  }

  /**
   * Writes a record of the audit (source {@link #AUDIT}): into the event log only, echoed to the
   * process log when {@code eventLog.echoAudit} is set, never onto the troubleshooting list.
   *
   * @return the event-log record number, or 0 if the log could not take it
   */
  public long audit(EventLevel level, HResult code, String text) {
    try {
      return store.append(level, AUDIT, code, text, echoAudit).recordNumber();
    } catch (Exception e) {
      log.error("could not write audit record ({} {}: {}) to the event log", level, code, text, e);
      return 0;
    }
  }

  /** Writes an event a plug-in logged through {@code EventLog.logEvent}. */
  public long plugin(EventLevel level, String pluginId, HResult code, String text) {
    return write(level, pluginId, code, text, true);
  }

  /**
   * An INFORMATION event a plug-in logged while it answered the client at {@code address} (a
   * refusal of a malformed header, say): one per request a client chooses to send, so it is
   * summarised per plug-in and client as the audit is ({@link AuditFloods}), and echoed to the
   * process log only with {@code eventLog.echoAudit}, never onto the troubleshooting list.
   */
  public void pluginAboutClient(String pluginId, String address, HResult code, String raw) {
    String text = ControlCharacters.escape(raw);
    clientEvents
        .computeIfAbsent(
            pluginId,
            id ->
                new AuditFloods(
                    (level, c, t) -> appendQuietly(level, id, c, t),
                    clock,
                    floodWindow,
                    AuditFloods.DEFAULT_MAX_KEYS,
                    AuditFloods.DEFAULT_FULL_RECORDS,
                    (delay, write) -> windowEnds.at(delay, write)))
        .record("events", address, EventLevel.INFORMATION, code, text);
  }

  /**
   * The timer of plug-in events about clients, as the audit's ({@link AuditFloods.WindowEnds}): set
   * by the audit, which knows the thread that writes summaries.
   */
  public void endWindowsWith(AuditFloods.WindowEnds timer) {
    windowEnds = timer;
  }

  /** The summaries of plug-in events about clients whose window is over. */
  public void flushClientEvents() {
    clientEvents.values().forEach(AuditFloods::flush);
  }

  /** The summaries of every plug-in event about clients still counted. */
  public void closeClientEvents() {
    clientEvents.values().forEach(AuditFloods::close);
  }

  private void appendQuietly(EventLevel level, String source, HResult code, String text) {
    try {
      store.append(level, source, code, text, echoAudit);
    } catch (Exception e) {
      log.error(
          "could not write event ({} {} {}: {}) to the event log", level, source, code, text, e);
    }
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
