package org.authhost.host.events;

import java.time.Instant;
import java.util.Objects;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;

/**
 * One event as the durable event log keeps it.
 *
 * @param recordNumber the log's sequence number for the event: 1 for the first event ever written,
 *     one more for each after it, never reused, not even across restarts
 * @param time when the event was appended, to the millisecond
 * @param level how serious it is
 * @param source who logged it: a plug-in id, or {@code "host"} (or {@code "host:<id>"}) for the
 *     host itself; at most 256 characters
 * @param hresult the code tied to the event
 * @param text the operator-facing detail; at most 32 KiB of UTF-8, longer text ends in an ellipsis
 */
public record EventRecord(
    long recordNumber,
    Instant time,
    EventLevel level,
    String source,
    HResult hresult,
    String text) {

  public EventRecord {
    if (recordNumber < 1) {
      throw new IllegalArgumentException("record numbers start at 1, not " + recordNumber);
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(hresult, "hresult");
    Objects.requireNonNull(text, "text");
  }
}
