package org.authhost.host.events;

import static org.authhost.host.events.RecordFormat.HEADER_BYTES;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads one segment's intact records in order, stepping over damage: at bytes that do not frame a
 * valid record it searches forward, one byte at a time, for the next offset where a whole record
 * decodes with a matching CRC and a record number that fits, and reports the bytes in between as a
 * {@link DamagedRange}. A damaged range of N bytes costs at most N attempts, each bounded by the
 * largest record, and no attempt allocates more than the one fixed buffer, whatever a damaged
 * length field claims.
 *
 * <p>Event text is free-form (plug-ins and the audit write it), so it can hold bytes that frame a
 * valid record. Two rules keep such a frame from being taken for one: a scan of the segment being
 * written stops at a record cut short by the end of the file (the writer is finishing it, and there
 * is nothing after it to resync to); and a record found inside the bytes a damaged header claims is
 * taken only if intact records, each numbered one on, follow it on past them (or, when the claim
 * runs past the end of the file, right up to the end: else a damaged length among the last records
 * would make the intact ones after it a torn tail to cut off). A record cut short whose bytes to
 * the end of the file match its CRC is a whole record with a damaged length: damage, not a torn
 * tail.
 *
 * <p>It never writes: whether damage is reported, or a bad tail cut off (the writer, on open) or
 * just not read yet (a reader, while the writer may be in the middle of that very record), is the
 * caller's decision.
 */
final class SegmentScanner implements AutoCloseable {
  /** Each record takes at least this many bytes, which bounds how many a damaged range can hide. */
  static final int MIN_RECORD_BYTES = HEADER_BYTES + RecordFormat.MIN_PAYLOAD_BYTES;

  // The problem of a failed attempt while already inside a damaged range: never shown, so never
  // formatted (an attempt is made at every byte of the range).
  private static final String UNDESCRIBED = "not a record";

  /**
   * What scanning a whole segment found.
   *
   * @param lastRecord the last intact record, null if none
   * @param records how many intact records
   * @param validEnd the offset just past the last intact record (0 if none)
   * @param size how many bytes were read in all
   * @param damaged the damaged ranges that an intact record follows
   * @param tail the bytes after the last intact record, if any: no intact record follows them
   * @param tornTail whether the tail starts with a record that runs past the end of the file, as
   *     one being written, or cut short by a crash, does; false for bytes that are simply wrong
   * @param zeroTail whether the tail is nothing but zero bytes, as a power loss leaves a file whose
   *     size reached the disk before its data
   */
  record Summary(
      EventRecord lastRecord,
      long records,
      long validEnd,
      long size,
      List<DamagedRange> damaged,
      DamagedRange tail,
      boolean tornTail,
      boolean zeroTail) {

    /** Whether every byte belongs to an intact record. */
    boolean clean() {
      return damaged.isEmpty() && tail == null;
    }
  }

  private final ReadableByteChannel channel;
  // Three times the largest record: checking a candidate inside a damaged record's claimed bytes
  // reads ahead through them (less than one record) and one record on past them.
  private final ByteBuffer buffer = ByteBuffer.allocate(3 * RecordFormat.MAX_RECORD_BYTES).flip();
  private final CRC32C crc = new CRC32C();
  private final List<DamagedRange> damaged = new ArrayList<>();
  private long offset; // of the buffer's position in the file
  private long expectedNumber;
  private long validEnd;
  private long records;
  private boolean eof;
  private boolean ended;
  private EventRecord lastRecord;
  private DamagedRange tail;
  private boolean tornTail;

  private boolean zeroTail;
  // Whether the segment may be being written right now (the newest one, read while a host runs).
  private final boolean endsAtIncomplete;

  // The outcome of the last attempt.
  private EventRecord candidate;
  private int candidateBytes;
  private boolean incomplete;
  private long attemptEnd; // where the attempt's header says its record ends, -1 if no header

  private SegmentScanner(
      ReadableByteChannel channel, long firstRecordNumber, boolean endsAtIncomplete) {
    this.channel = channel;
    this.expectedNumber = firstRecordNumber;
    this.endsAtIncomplete = endsAtIncomplete;
  }

  /**
   * Opens the segment for reading; it must exist.
   *
   * @param beingWritten whether a writer may be in the middle of its last record (the newest
   *     segment, read while a host may run): then a record cut short by the end of the file ends
   *     the scan, as a torn tail, instead of being searched for more records. Recovery, which runs
   *     when nothing writes, passes false.
   */
  static SegmentScanner open(Segment segment, boolean beingWritten) throws IOException {
    return new SegmentScanner(
        FileChannel.open(segment.path(), StandardOpenOption.READ),
        segment.firstRecordNumber(),
        beingWritten);
  }

  /**
   * Scans {@code bytes} as the content of a segment whose first record is {@code
   * firstRecordNumber}: the entry point for tests and fuzzing, with no file involved.
   */
  static SegmentScanner over(byte[] bytes, long firstRecordNumber, boolean beingWritten) {
    return new SegmentScanner(
        Channels.newChannel(new ByteArrayInputStream(bytes)), firstRecordNumber, beingWritten);
  }

  /** Reads the whole segment and reports its intact records' extent and its damage. */
  static Summary summarize(Segment segment, boolean beingWritten) throws IOException {
    try (SegmentScanner scanner = open(segment, beingWritten)) {
      return scanner.summarize();
    }
  }

  /** {@link #summarize(Segment, boolean)} for bytes in memory (see {@link #over}). */
  static Summary summarize(byte[] bytes, long firstRecordNumber, boolean beingWritten) {
    try (SegmentScanner scanner = over(bytes, firstRecordNumber, beingWritten)) {
      return scanner.summarize();
    } catch (IOException e) {
      throw new AssertionError("memory cannot fail to read", e);
    }
  }

  private Summary summarize() throws IOException {
    while (next() != null) {
      // only the summary is wanted
    }
    return new Summary(
        lastRecord, records, validEnd, offset, List.copyOf(damaged), tail, tornTail, zeroTail);
  }

  /** The next intact record, or null once the segment ends; damage on the way is recorded. */
  EventRecord next() throws IOException {
    if (ended) {
      return null;
    }
    long gapStart = -1;
    String gapProblem = null;
    boolean gapTorn = false;
    boolean gapZeros = false;
    long claimedEnd = -1; // where the header at the gap's start says its record ends
    while (true) {
      if (!fill(HEADER_BYTES)) {
        if (gapStart < 0 && buffer.hasRemaining()) {
          gapStart = offset;
          gapProblem = "record header cut short after " + buffer.remaining() + " bytes";
          gapTorn = true;
        } else if (gapStart >= 0) {
          gapZeros &= zeros(buffer.position(), buffer.limit());
        }
        if (gapStart >= 0) {
          zeroTail = !gapTorn && gapZeros;
          endWith(
              gapStart, zeroTail ? "only zero bytes to the end of the file" : gapProblem, gapTorn);
        } else {
          ended = true;
        }
        return null;
      }
      // After n damaged bytes the next record can be at most n / MIN_RECORD_BYTES numbers on.
      long highest = expectedNumber + (gapStart < 0 ? 0 : (offset - gapStart) / MIN_RECORD_BYTES);
      String problem = attempt(highest, gapStart < 0);
      if (problem == null && offset < claimedEnd && !chainsPast(claimedEnd)) {
        // Inside the bytes a damaged header claims, a whole record may be a frame that text in
        // that record happens to hold (plug-in and audit text is free-form): taken only if intact
        // records follow it on past those bytes. Masking each payload when it is written would
        // rule such frames out for good; it changes the format, so it waits for a format version.
        problem = UNDESCRIBED;
      }
      if (problem == null) {
        if (gapStart >= 0) {
          damaged.add(new DamagedRange(gapStart, offset - gapStart, gapProblem));
        }
        buffer.position(buffer.position() + candidateBytes);
        offset += candidateBytes;
        validEnd = offset;
        expectedNumber = candidate.recordNumber() + 1;
        lastRecord = candidate;
        records++;
        return candidate;
      }
      if (gapStart < 0) {
        if (incomplete && wholeToTheEnd()) {
          // The bytes to the end are the record the header announces, whole: only its length
          // field is wrong. Damage, not a record being written, and not to be cut off.
          endWith(
              offset,
              problem
                  + ", yet the bytes to the end match its CRC: a whole record whose length is"
                  + " damaged",
              false);
          return null;
        }
        if (incomplete && endsAtIncomplete) {
          // The writer is finishing this record: nothing after it to resync to.
          endWith(offset, problem, true);
          return null;
        }
        gapStart = offset;
        gapProblem = problem;
        gapTorn = incomplete;
        gapZeros = true;
        claimedEnd = attemptEnd;
      }
      gapZeros &= buffer.get(buffer.position()) == 0;
      buffer.position(buffer.position() + 1);
      offset++;
    }
  }

  /** Ends the scan with the bytes from {@code from} to the end of the file as its tail. */
  private void endWith(long from, String problem, boolean torn) {
    offset += buffer.remaining();
    buffer.position(buffer.limit());
    tail = new DamagedRange(from, offset - from, problem);
    tornTail = torn;
    ended = true;
  }

  private boolean zeros(int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the last attempt's record, cut short by the end of the file, has a CRC that matches the
   * bytes it has: the whole buffer holds them, since filling stopped at the end of the file.
   */
  private boolean wholeToTheEnd() {
    int at = buffer.position();
    crc.reset();
    crc.update(buffer.slice(at + HEADER_BYTES, buffer.limit() - at - HEADER_BYTES));
    return (int) crc.getValue() == buffer.getInt(at + 8);
  }

  /**
   * Whether intact records follow the candidate, each numbered one on, until one starts at or past
   * {@code claimedEnd}; or, when that is past the end of the file, until exactly the end. Reads
   * ahead without moving: the candidate stays where it is.
   */
  private boolean chainsPast(long claimedEnd) throws IOException {
    EventRecord found = candidate;
    int foundBytes = candidateBytes;
    try {
      int ahead = candidateBytes;
      long number = candidate.recordNumber() + 1;
      while (offset + ahead < claimedEnd) {
        if (!fill(ahead + HEADER_BYTES)) {
          return eof && buffer.remaining() == ahead; // whole records right up to the end
        }
        if (attemptAt(ahead, number, number, false) != null) {
          return false;
        }
        ahead += candidateBytes;
        number++;
      }
      return fill(ahead + HEADER_BYTES) && attemptAt(ahead, number, number, false) == null;
    } finally {
      candidate = found;
      candidateBytes = foundBytes;
    }
  }

  /** The damaged ranges found so far that an intact record follows. */
  List<DamagedRange> damaged() {
    return List.copyOf(damaged);
  }

  /** Once {@link #next} has returned null: the bytes after the last intact record, or null. */
  DamagedRange tail() {
    return tail;
  }

  /** Whether {@link #tail()} starts with a record that runs past the end of the file. */
  boolean tornTail() {
    return tornTail;
  }

  /** Whether {@link #tail()} is nothing but zero bytes. */
  boolean zeroTail() {
    return zeroTail;
  }

  /** The file offset just past the last intact record returned so far. */
  long validEnd() {
    return validEnd;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** {@link #attemptAt} the buffer's position, numbered from {@link #expectedNumber}. */
  private String attempt(long highest, boolean describe) throws IOException {
    return attemptAt(0, expectedNumber, highest, describe);
  }

  /**
   * Tries to decode a record {@code ahead} bytes past the buffer's position, numbered from {@code
   * lowest} to {@code highest}; returns null and sets {@link #candidate} if it is intact, or what
   * is wrong ({@link #UNDESCRIBED} unless {@code describe}). The header's bytes must be in the
   * buffer.
   */
  private String attemptAt(int ahead, long lowest, long highest, boolean describe)
      throws IOException {
    incomplete = false;
    attemptEnd = -1;
    int at = buffer.position() + ahead;
    int magic = buffer.getInt(at);
    if (magic != RecordFormat.MAGIC) {
      return describe ? String.format("bad magic 0x%08X", magic) : UNDESCRIBED;
    }
    int length = buffer.getInt(at + 4);
    if (!RecordFormat.plausibleLength(length)) {
      return describe ? "bad payload length " + length : UNDESCRIBED;
    }
    attemptEnd = offset + ahead + HEADER_BYTES + length;
    if (!fill(ahead + HEADER_BYTES + length)) {
      incomplete = true;
      return describe
          ? "record of " + length + " bytes cut short by the end of the file"
          : UNDESCRIBED;
    }
    at = buffer.position() + ahead; // filling may have compacted the buffer
    int storedCrc = buffer.getInt(at + 8);
    ByteBuffer payload = buffer.slice(at + HEADER_BYTES, length);
    crc.reset();
    crc.update(payload);
    if ((int) crc.getValue() != storedCrc) {
      return describe ? "CRC mismatch" : UNDESCRIBED;
    }
    EventRecord record;
    try {
      record = RecordFormat.decode(payload.rewind());
    } catch (RuntimeException e) {
      // A CRC-valid payload whose fields do not fit: a newer or buggy writer, or a fuzzer.
      return describe ? "malformed payload: " + e.getMessage() : UNDESCRIBED;
    }
    if (record.recordNumber() < lowest || record.recordNumber() > highest) {
      return describe
          ? "record #" + record.recordNumber() + " where #" + lowest + " belongs"
          : UNDESCRIBED;
    }
    candidate = record;
    candidateBytes = HEADER_BYTES + length;
    return null;
  }

  private boolean fill(int needed) throws IOException {
    while (buffer.remaining() < needed && !eof) {
      buffer.compact();
      eof = channel.read(buffer) < 0;
      buffer.flip();
    }
    return buffer.remaining() >= needed;
  }
}
