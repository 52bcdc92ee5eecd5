package org.authhost.host.events;

import java.nio.file.Path;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;

/**
 * Bytes of the event log that hold no readable record, found once and reported once: the store
 * hands each one to {@link EventLogStore#reportDamageTo} so the host writes it as an event and puts
 * it on the troubleshooting list, as the WMS server reports its own failures.
 *
 * @param segment the segment file
 * @param range where in it, and what was wrong
 * @param torn true for an incomplete last record that was cut off the end of the segment being
 *     written (what a crash leaves), false for damage, which stays in a segment no longer written
 * @param keptIn the file holding a copy of the bytes
 */
public record LogDamage(Path segment, DamagedRange range, boolean torn, Path keptIn) {

  /** A torn record is what a crash leaves: a warning. Damage loses records: an error. */
  public EventLevel level() {
    return torn ? EventLevel.WARNING : EventLevel.ERROR;
  }

  public HResult hresult() {
    return HResult.E_FILE_CORRUPT;
  }

  /** {@code [eventlog/...] segment: where and what. what the host did. Fix: what to do}. */
  public String describe() {
    if (torn) {
      return "[eventlog/torn-record] "
          + segment
          + ": "
          + range
          + ": an incomplete last record, as a crash or power loss during a write leaves it; it was"
          + " cut off and its bytes kept in "
          + keptIn.getFileName()
          + ". Fix: none if the host was killed or lost power; every event it acknowledged is kept"
          + " (after a power loss only with eventLog.fsync true)";
    }
    return "[eventlog/damaged-segment] "
        + segment
        + ": "
        + range
        + ": the records there cannot be read and are skipped; every intact record before and"
        + " after them is kept, the segment is no longer written to, and a copy of the damaged"
        + " bytes is in "
        + keptIn.getFileName()
        + ". Fix: check the disk and memory of this machine (a changed byte in a file at rest"
        + " usually means failing hardware); './authhost events verify' lists every damaged range";
  }
}
