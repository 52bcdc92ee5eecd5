package org.authhost.host.events;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link EventLogReader#verify()} found in one segment file, as {@code wevtutil} and {@code
 * chkdsk} report a log file's state.
 *
 * @param segment the segment file
 * @param records how many intact records it holds
 * @param lastRecordNumber the number of the last of them, 0 if none
 * @param bytes its size as read
 * @param damaged the ranges that hold no readable record, oldest first; empty if none
 * @param incompleteTail in the newest segment only: a last record not all there, either being
 *     written right now or cut short by a crash (the host cuts it aside when it next starts); not
 *     damage. Null if none
 * @param keptAside the files holding bytes the host has already cut off or copied from it
 */
public record SegmentCheck(
    Path segment,
    long records,
    long lastRecordNumber,
    long bytes,
    List<DamagedRange> damaged,
    DamagedRange incompleteTail,
    List<Path> keptAside) {

  public SegmentCheck {
    damaged = List.copyOf(damaged);
    keptAside = List.copyOf(keptAside);
  }
}
