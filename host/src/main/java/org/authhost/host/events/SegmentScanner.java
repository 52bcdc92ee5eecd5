package org.authhost.host.events;

import static org.authhost.host.events.RecordFormat.HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads one segment's records in order and stops at the first one it cannot trust. It never writes:
 * whether a bad tail is cut off (the writer, on open) or just not read (a reader, while the writer
 * may be in the middle of that very record) is the caller's decision.
 */
final class SegmentScanner implements AutoCloseable {

  /** Why the scan ended. */
  enum End {
    /** After the last byte of the last whole record. */
    CLEAN,
    /** In a record that is not all there yet (being written) or never will be (a crash). */
    TORN,
    /** At bytes that are not a valid record: bad magic, length, CRC, fields or sequence. */
    CORRUPT
  }

  /** What scanning a whole segment found. */
  record Summary(EventRecord lastRecord, long validEnd, long fileSize, End end, String problem) {}

  private final FileChannel channel;
  // Twice the largest record, so a whole record always fits after compacting.
  private final ByteBuffer buffer = ByteBuffer.allocate(2 * RecordFormat.MAX_RECORD_BYTES).flip();
  private final CRC32C crc = new CRC32C();
  private long expectedNumber;
  private long validEnd;
  private boolean eof;
  private EventRecord lastRecord;
  private End end;
  private String problem;

  private SegmentScanner(FileChannel channel, long firstRecordNumber) {
    this.channel = channel;
    this.expectedNumber = firstRecordNumber;
  }

  /** Opens the segment for reading; it must exist. */
  static SegmentScanner open(Segment segment) throws IOException {
    return new SegmentScanner(
        FileChannel.open(segment.path(), StandardOpenOption.READ), segment.firstRecordNumber());
  }

  /** Reads the whole segment and reports where its good records end. */
  static Summary summarize(Segment segment) throws IOException {
    try (SegmentScanner scanner = open(segment)) {
      while (scanner.next() != null) {
        // only the summary is wanted
      }
      return new Summary(
          scanner.lastRecord,
          scanner.validEnd,
          scanner.channel.size(),
          scanner.end,
          scanner.problem);
    }
  }

  /** The next good record, or null once the segment ends or stops being trustworthy. */
  EventRecord next() throws IOException {
    if (end != null) {
      return null;
    }
    if (!fill(HEADER_BYTES)) {
      return buffer.hasRemaining()
          ? stop(End.TORN, "header cut short after " + buffer.remaining() + " bytes")
          : stop(End.CLEAN, null);
    }
    int at = buffer.position();
    int magic = buffer.getInt(at);
    int length = buffer.getInt(at + 4);
    int storedCrc = buffer.getInt(at + 8);
    if (magic != RecordFormat.MAGIC) {
      return stop(End.CORRUPT, String.format("bad magic 0x%08X", magic));
    }
    if (!RecordFormat.plausibleLength(length)) {
      return stop(End.CORRUPT, "bad payload length " + length);
    }
    if (!fill(HEADER_BYTES + length)) {
      return stop(End.TORN, "payload of " + length + " bytes cut short");
    }
    at = buffer.position(); // filling may have compacted the buffer
    ByteBuffer payload = buffer.slice(at + HEADER_BYTES, length);
    crc.reset();
    crc.update(payload);
    if ((int) crc.getValue() != storedCrc) {
      return stop(End.CORRUPT, "CRC mismatch");
    }
    EventRecord record;
    try {
      record = RecordFormat.decode(payload.rewind());
    } catch (IllegalArgumentException e) {
      return stop(End.CORRUPT, "malformed payload: " + e.getMessage());
    }
    if (record.recordNumber() != expectedNumber) {
      return stop(
          End.CORRUPT,
          "record #" + record.recordNumber() + " where #" + expectedNumber + " belongs");
    }
    buffer.position(at + HEADER_BYTES + length);
    validEnd += HEADER_BYTES + length;
    expectedNumber++;
    lastRecord = record;
    return record;
  }

  /** The file offset just past the last good record returned so far. */
  long validEnd() {
    return validEnd;
  }

  /** Why the scan ended; null while it has not. */
  End end() {
    return end;
  }

  /** What was wrong where the scan ended; null for a clean end. */
  String problem() {
    return problem;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private EventRecord stop(End why, String what) {
    end = why;
    problem = what;
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
