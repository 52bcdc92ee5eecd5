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
 * @param kind what the bytes look like, which says what most likely made them
 * @param keptIn the file holding a copy of the bytes, or null if no copy could be made
 * @param notKept why no copy could be made (say, a full disk), or null if {@code keptIn} holds one
 */
public record LogDamage(Path segment, DamagedRange range, Kind kind, Path keptIn, String notKept) {

  /** What the bytes look like. */
  public enum Kind {
    /** Bytes that frame no valid record where records were written: they changed at rest. */
    DAMAGED,
    /**
     * Only zero bytes from some offset to the end of the newest segment: the file's new size
     * reached the disk but its data did not, as a power loss without {@code fsync} leaves it.
     */
    ZEROED_TAIL,
    /** An incomplete last record, as a crash or power loss during a write leaves it. */
    TORN
  }

  /** A torn last record: what a crash leaves. */
  public boolean torn() {
    return kind == Kind.TORN;
  }

  /** A torn record is what a crash leaves: a warning. Any other damage loses records: an error. */
  public EventLevel level() {
    return torn() ? EventLevel.WARNING : EventLevel.ERROR;
  }

  public HResult hresult() {
    return HResult.E_FILE_CORRUPT;
  }

  /** {@code [eventlog/...] segment: where and what. what the host did. Fix: what to do}. */
  public String describe() {
    return switch (kind) {
      case TORN ->
          "[eventlog/torn-record] "
              + segment
              + ": "
              + range
              + ": an incomplete last record, as a crash or power loss during a write leaves it; "
              + (keptIn != null
                  ? "it was cut off and its bytes kept in " + keptIn.getFileName()
                  : "its bytes could not be copied aside ("
                      + notKept
                      + "), so they were left in place and the segment is no longer written to")
              + ". Fix: none if the host was killed or lost power; every event it acknowledged is"
              + " kept (after a power loss only with eventLog.fsync true)";
      case ZEROED_TAIL ->
          "[eventlog/zeroed-tail] "
              + segment
              + ": "
              + range
              + ": the segment ends in zero bytes where events were written, as a power loss leaves"
              + " a file whose new size reached the disk before its data; the events written there"
              + " last are lost, every intact record before them is kept, the segment is no longer"
              + " written to, and "
              + kept()
              + ". Fix: set eventLog.fsync true if events acknowledged just before a power loss"
              + " must survive it; the disk is not at fault";
      case DAMAGED ->
          "[eventlog/damaged-segment] "
              + segment
              + ": "
              + range
              + ": the records there cannot be read and are skipped; every intact record before"
              + " and after them is kept, the segment is no longer written to, and "
              + kept()
              + ". Fix: check the disk and memory of this machine (a changed byte in a file at"
              + " rest usually means failing hardware); './authhost events verify' lists every"
              + " damaged range";
    };
  }

  private String kept() {
    return keptIn != null
        ? "a copy of the damaged bytes is in " + keptIn.getFileName()
        : "no copy of the damaged bytes could be kept ("
            + notKept
            + "); it will be reported again at the next start";
  }
}
