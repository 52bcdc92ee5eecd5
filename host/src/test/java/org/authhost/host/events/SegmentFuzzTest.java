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
 * SegmentScanner}, the reader every start and every query uses: any bytes give the good records in
 * order and then a CLEAN, TORN or CORRUPT end with a reason — never an exception, never a record
 * past the first bad byte.
 *
 * <p>The first input byte: odd, the target first sets every CRC the bytes have room for, so that
 * mutations get past the checksum into the payload's fields; even, the bytes as they are.
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
    if (input.length > 0 && (input[0] & 1) != 0) {
      fixCrcs(bytes);
    }
    Files.write(SEGMENT.path(), bytes);
    long expected = FIRST;
    try (SegmentScanner scanner = SegmentScanner.open(SEGMENT)) {
      EventRecord r;
      while ((r = scanner.next()) != null) {
        assertEquals(expected++, r.recordNumber(), "records in order");
        assertTrue(scanner.validEnd() <= bytes.length);
      }
      assertNotNull(scanner.end(), "a scan that returned null has ended");
      if (scanner.end() == SegmentScanner.End.CLEAN) {
        assertEquals(bytes.length, scanner.validEnd(), "a clean end is the end of the file");
        assertNull(scanner.problem());
      } else {
        assertNotNull(scanner.problem(), "a " + scanner.end() + " end says why");
        assertTrue(scanner.validEnd() < bytes.length);
      }
      assertNull(scanner.next(), "an ended scan stays ended");
    }
    SegmentScanner.Summary summary = SegmentScanner.summarize(SEGMENT);
    assertEquals(
        expected - 1,
        summary.lastRecord() == null ? FIRST - 1 : summary.lastRecord().recordNumber());
    assertEquals(bytes.length, summary.fileSize());
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
