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
   */
  record Summary(
      EventRecord lastRecord,
      long records,
      long validEnd,
      long size,
      List<DamagedRange> damaged,
      DamagedRange tail,
      boolean tornTail) {

    /** Whether every byte belongs to an intact record. */
    boolean clean() {
      return damaged.isEmpty() && tail == null;
    }
  }

  private final ReadableByteChannel channel;
  // Twice the largest record, so a whole record always fits after compacting.
  private final ByteBuffer buffer = ByteBuffer.allocate(2 * RecordFormat.MAX_RECORD_BYTES).flip();
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

  // The outcome of the last attempt.
  private EventRecord candidate;
  private int candidateBytes;
  private boolean incomplete;

  private SegmentScanner(ReadableByteChannel channel, long firstRecordNumber) {
    this.channel = channel;
    this.expectedNumber = firstRecordNumber;
  }

  /** Opens the segment for reading; it must exist. */
  static SegmentScanner open(Segment segment) throws IOException {
    return new SegmentScanner(
        FileChannel.open(segment.path(), StandardOpenOption.READ), segment.firstRecordNumber());
  }

  /**
   * Scans {@code bytes} as the content of a segment whose first record is {@code
   * firstRecordNumber}: the entry point for tests and fuzzing, with no file involved.
   */
  static SegmentScanner over(byte[] bytes, long firstRecordNumber) {
    return new SegmentScanner(
        Channels.newChannel(new ByteArrayInputStream(bytes)), firstRecordNumber);
  }

  /** Reads the whole segment and reports its intact records' extent and its damage. */
  static Summary summarize(Segment segment) throws IOException {
    try (SegmentScanner scanner = open(segment)) {
      return scanner.summarize();
    }
  }

  /** {@link #summarize(Segment)} for bytes in memory (see {@link #over}). */
  static Summary summarize(byte[] bytes, long firstRecordNumber) {
    try (SegmentScanner scanner = over(bytes, firstRecordNumber)) {
      return scanner.summarize();
    } catch (IOException e) {
      throw new AssertionError("memory cannot fail to read", e);
    }
  }

  private Summary summarize() throws IOException {
    while (next() != null) {
      // only the summary is wanted
    }
    return new Summary(lastRecord, records, validEnd, offset, List.copyOf(damaged), tail, tornTail);
  }

  /** The next intact record, or null once the segment ends; damage on the way is recorded. */
  EventRecord next() throws IOException {
    if (ended) {
      return null;
    }
    long gapStart = -1;
    String gapProblem = null;
    boolean gapTorn = false;
    while (true) {
      if (!fill(HEADER_BYTES)) {
        if (gapStart < 0 && buffer.hasRemaining()) {
          gapStart = offset;
          gapProblem = "record header cut short after " + buffer.remaining() + " bytes";
          gapTorn = true;
        }
        offset += buffer.remaining();
        buffer.position(buffer.limit());
        if (gapStart >= 0) {
          tail = new DamagedRange(gapStart, offset - gapStart, gapProblem);
          tornTail = gapTorn;
        }
        ended = true;
        return null;
      }
      // After n damaged bytes the next record can be at most n / MIN_RECORD_BYTES numbers on.
      long highest = expectedNumber + (gapStart < 0 ? 0 : (offset - gapStart) / MIN_RECORD_BYTES);
      String problem = attempt(highest, gapStart < 0);
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
        gapStart = offset;
        gapProblem = problem;
        gapTorn = incomplete;
      }
      buffer.position(buffer.position() + 1);
      offset++;
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

  /** The file offset just past the last intact record returned so far. */
  long validEnd() {
    return validEnd;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /**
   * Tries to decode a record at the buffer's position, numbered from {@link #expectedNumber} to
   * {@code highest}; returns null and sets {@link #candidate} if it is intact, or what is wrong
   * ({@link #UNDESCRIBED} unless {@code describe}).
   */
  private String attempt(long highest, boolean describe) throws IOException {
    incomplete = false;
    int at = buffer.position();
    int magic = buffer.getInt(at);
    if (magic != RecordFormat.MAGIC) {
      return describe ? String.format("bad magic 0x%08X", magic) : UNDESCRIBED;
    }
    int length = buffer.getInt(at + 4);
    if (!RecordFormat.plausibleLength(length)) {
      return describe ? "bad payload length " + length : UNDESCRIBED;
    }
    if (!fill(HEADER_BYTES + length)) {
      incomplete = true;
      return describe
          ? "record of " + length + " bytes cut short by the end of the file"
          : UNDESCRIBED;
    }
    at = buffer.position(); // filling may have compacted the buffer
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
    if (record.recordNumber() < expectedNumber || record.recordNumber() > highest) {
      return describe
          ? "record #" + record.recordNumber() + " where #" + expectedNumber + " belongs"
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
