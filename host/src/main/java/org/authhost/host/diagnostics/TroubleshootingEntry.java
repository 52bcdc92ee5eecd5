package org.authhost.host.diagnostics;

import java.time.Instant;
import org.authhost.api.HResult;

/**
 * One error or warning on the troubleshooting list.
 *
 * @param sequence position in the list's history, never reused until the host restarts
 * @param time when it happened
 * @param type why it is here
 * @param source the plug-in id, or {@code host}
 * @param hresult the code
 * @param text what happened and what to do
 * @param eventRecordNumber the event-log record that says the same, or 0 if it could not be written
 */
public record TroubleshootingEntry(
    long sequence,
    Instant time,
    DiagnosticType type,
    String source,
    HResult hresult,
    String text,
    long eventRecordNumber) {}
