package org.authhost.host.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Coverage-guided fuzzing of event-log segments, corrupt and truncated, through {@link
 * SegmentScanner}, the reader every start and every query uses. Any bytes give intact records in
 * strictly increasing order, with every byte accounted for: each byte is either in an intact
 * record, in a reported damaged range, or in the tail after the last intact record; never an
 * exception, never a range past the end, and a scan of the same bytes as a file agrees with one
 * over memory.
 *
 * <p>The first input byte: odd, the target first sets every CRC the bytes have room for, so that
 * mutations get past the checksum into the payload's fields; even, the bytes as they are. Bit 1
 * says whether the segment is read as the newest one, while a writer may be finishing its last
 * record.
 */
class SegmentFuzzTest {
  static final long FIRST = 1;
  private static final Segment SEGMENT = segment();

  private static Segment segment() {
    try {
      return Segment.in(Files.createDirectories(Path.of("target", "segment-fuzz")), FIRST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "")
  void segments(byte[] input) throws IOException {
    byte[] bytes = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    boolean beingWritten = input.length > 0 && (input[0] & 2) != 0;
    if (input.length > 0 && (input[0] & 1) != 0) {
      fixCrcs(bytes);
    }
    long previous = FIRST - 1;
    long records = 0;
    long covered = 0; // bytes of intact records
    try (SegmentScanner scanner = SegmentScanner.over(bytes, FIRST, beingWritten)) {
      EventRecord r;
      long lastEnd = 0;
      while ((r = scanner.next()) != null) {
        assertTrue(r.recordNumber() > previous, "records in increasing order");
        previous = r.recordNumber();
        records++;
        assertTrue(scanner.validEnd() > lastEnd && scanner.validEnd() <= bytes.length);
        lastEnd = scanner.validEnd();
      }
      assertNull(scanner.next(), "an ended scan stays ended");
      long damagedBytes = 0;
      long rangeEnd = 0;
      for (DamagedRange d : scanner.damaged()) {
        assertTrue(d.offset() >= rangeEnd && d.length() > 0 && d.end() <= bytes.length, "" + d);
        assertNotNull(d.problem(), "a damaged range says why");
        damagedBytes += d.length();
        rangeEnd = d.end();
      }
      DamagedRange tail = scanner.tail();
      if (tail != null) {
        assertEquals(scanner.validEnd(), tail.offset(), "the tail starts after the last record");
        assertEquals(bytes.length, tail.end(), "and runs to the end");
        damagedBytes += tail.length();
      } else {
        assertEquals(bytes.length, scanner.validEnd(), "no tail: the last record ends the file");
      }
      covered = bytes.length - damagedBytes;
      assertTrue(covered >= 0 && (records == 0) == (covered == 0), "every byte accounted for");
    }
    Files.write(SEGMENT.path(), bytes);
    SegmentScanner.Summary fromFile = SegmentScanner.summarize(SEGMENT, beingWritten);
    assertEquals(records, fromFile.records(), "the file and memory scans agree");
    assertEquals(
        previous == FIRST - 1 ? null : previous,
        fromFile.lastRecord() == null ? null : fromFile.lastRecord().recordNumber());
    assertEquals(bytes.length, fromFile.size());
  }

  /** Sets the CRC of every record whose header and payload are in {@code bytes}. */
  static void fixCrcs(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    CRC32C crc = new CRC32C();
    int at = 0;
    while (at + RecordFormat.HEADER_BYTES <= bytes.length) {
      int length = b.getInt(at + 4);
      if (length < 0 || length > bytes.length - at - RecordFormat.HEADER_BYTES) {
        return;
      }
      crc.reset();
      crc.update(bytes, at + RecordFormat.HEADER_BYTES, length);
      b.putInt(at + 8, (int) crc.getValue());
      at += RecordFormat.HEADER_BYTES + length;
    }
  }
}
