package org.authhost.host.config;

import java.nio.file.Path;

/** {@code eventLog}: the durable event log's folder and bounds. */
final class EventLogSection {
  private static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
  private static final long MIN_MAX_BYTES = 1024 * 1024;
  private static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
  private static final long MIN_SEGMENT_BYTES = 64 * 1024;
  private static final int DEFAULT_RETENTION_DAYS = 90;
  private static final int DEFAULT_TROUBLESHOOTING_LIMIT = 1_000;
  private static final int MAX_TROUBLESHOOTING_LIMIT = 100_000;

  private EventLogSection() {}

  /**
   * @param defaultDirectory where the log lives unless the file says otherwise (under the data
   *     folder, which another section sets)
   */
  static EventLogConfig bind(ConfigSection eventLog, Path defaultDirectory) {
    Path directory = eventLog.filePath("directory", defaultDirectory);
    Long maxBytes =
        eventLog.wholeOrNull(
            "maxBytes",
            "a whole number of bytes",
            MIN_MAX_BYTES,
            Long.MAX_VALUE,
            DEFAULT_MAX_BYTES);
    Long segmentBytes =
        eventLog.wholeOrNull(
            "segmentBytes",
            "a whole number of bytes",
            MIN_SEGMENT_BYTES,
            Long.MAX_VALUE,
            DEFAULT_SEGMENT_BYTES);
    if (maxBytes != null && segmentBytes != null && segmentBytes > maxBytes) {
      segmentLargerThanMax(eventLog, maxBytes, segmentBytes);
    }
    int retentionDays =
        (int)
            eventLog.whole(
                "retentionDays",
                "a whole number of days (0 keeps events until maxBytes is reached)",
                0,
                Integer.MAX_VALUE,
                DEFAULT_RETENTION_DAYS);
    boolean fsync = eventLog.bool("fsync", false);
    int troubleshootingLimit =
        (int)
            eventLog.whole(
                "troubleshootingLimit",
                "a whole number of entries",
                1,
                MAX_TROUBLESHOOTING_LIMIT,
                DEFAULT_TROUBLESHOOTING_LIMIT);
    boolean echoAudit = eventLog.bool("echoAudit", false);
    int auditSummarySeconds =
        (int)
            eventLog.whole(
                "auditSummarySeconds",
                "a whole number of seconds (0 writes every audit record in full)",
                0,
                86_400,
                EventLogConfig.DEFAULT_AUDIT_SUMMARY_SECONDS);
    return new EventLogConfig(
        directory,
        maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes,
        segmentBytes == null ? DEFAULT_SEGMENT_BYTES : segmentBytes,
        retentionDays,
        fsync,
        troubleshootingLimit,
        echoAudit,
        auditSummarySeconds);
  }

  /** Reports a segment size above the log's total, at whichever of the two the file sets. */
  private static void segmentLargerThanMax(
      ConfigSection eventLog, long maxBytes, long segmentBytes) {
    LocatedJson segment = eventLog.value("segmentBytes");
    if (segment != null) {
      eventLog.problemAt(
          "segmentBytes",
          "expected a whole number of bytes from "
              + MIN_SEGMENT_BYTES
              + " to "
              + eventLog.pathOf("maxBytes")
              + " ("
              + maxBytes
              + "), found "
              + segment.describe());
    } else {
      // Only maxBytes is set, below the default segment size: say which one to change.
      LocatedJson max = eventLog.value("maxBytes");
      eventLog.problemAt(
          "maxBytes",
          "expected at least the default "
              + eventLog.pathOf("segmentBytes")
              + " ("
              + segmentBytes
              + "), found "
              + max.describe()
              + "; raise it or set "
              + eventLog.pathOf("segmentBytes")
              + " to at most "
              + maxBytes);
    }
  }
}
