package org.authhost.host.config;

import java.nio.file.Path;

/**
 * The durable event log's bounds.
 *
 * @param directory where its segment files live
 * @param maxBytes the most the log keeps on disk; the oldest segments go first
 * @param segmentBytes the size at which a segment is closed and a new one begun
 * @param retentionDays segments whose newest record is older than this are deleted; 0 = keep
 * @param fsync whether each append also forces the data to the disk (survives power loss, much
 *     slower); without it an acknowledged event survives the host being killed
 * @param troubleshootingLimit the most errors and warnings the troubleshooting list holds
 * @param echoAudit whether the audit's records are also written to the process log ({@code
 *     authhost.events}, the console of {@code run}); off by default, since a busy server audits
 *     every client and the operator's console would show little else
 * @param auditSummarySeconds the window over which a flood of one kind of audit record from one
 *     client address is written as its first record and one summary; 0 writes every record
 */
public record EventLogConfig(
    Path directory,
    long maxBytes,
    long segmentBytes,
    int retentionDays,
    boolean fsync,
    int troubleshootingLimit,
    boolean echoAudit,
    int auditSummarySeconds) {

  /** How long a window of the audit's summaries is unless the file says otherwise. */
  public static final int DEFAULT_AUDIT_SUMMARY_SECONDS = 60;

  /** Bounds, with the audit's defaults: no echo, floods summarised per minute. */
  public EventLogConfig(
      Path directory,
      long maxBytes,
      long segmentBytes,
      int retentionDays,
      boolean fsync,
      int troubleshootingLimit) {
    this(
        directory,
        maxBytes,
        segmentBytes,
        retentionDays,
        fsync,
        troubleshootingLimit,
        false,
        DEFAULT_AUDIT_SUMMARY_SECONDS);
  }
}
