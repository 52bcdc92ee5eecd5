package org.authhost.host.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.zip.CRC32C;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.junit.jupiter.api.Test;

/** The scanner on segment bytes in memory, as a fuzzer will feed it. */
class SegmentScannerTest {
  private static final long T = 1_714_557_600_000L;

  /** A segment of records {@code first..first+count-1}; {@code starts} gets each one's offset. */
  private static byte[] segment(long first, int count, List<Integer> starts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(RecordFormat.MAX_RECORD_BYTES);
    CRC32C crc = new CRC32C();
    for (long n = first; n < first + count; n++) {
      starts.add(out.size());
      RecordFormat.encode(
          buffer,
          crc,
          n,
          T + n,
          EventLevel.INFORMATION,
          HResult.S_OK,
          "host".getBytes(UTF_8),
          ("event number " + n + " " + "x".repeat((int) (n * 7 % 90))).getBytes(UTF_8));
      out.write(buffer.array(), 0, buffer.limit());
    }
    starts.add(out.size());
    return out.toByteArray();
  }

  private static List<Long> numbers(byte[] bytes, long first) throws Exception {
    List<Long> read = new ArrayList<>();
    try (SegmentScanner scanner = SegmentScanner.over(bytes, first, false)) {
      for (EventRecord r = scanner.next(); r != null; r = scanner.next()) {
        read.add(r.recordNumber());
      }
    }
    return read;
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void aCleanSegmentHasNoDamage() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] bytes = segment(41, 30, starts);

    SegmentScanner.Summary summary = SegmentScanner.summarize(bytes, 41, false);

    assertTrue(summary.clean());
    assertEquals(30, summary.records());
    assertEquals(70, summary.lastRecord().recordNumber());
    assertEquals(bytes.length, summary.validEnd());
    assertEquals(range(41, 70), numbers(bytes, 41));
    assertTrue(SegmentScanner.summarize(new byte[0], 1, false).clean());
  }

  @Test
  void aFlippedByteLosesOnlyItsRecordAndIsReportedWhereItIs() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] bytes = segment(1, 300, starts);
    int at = (starts.get(99) + starts.get(100)) / 2; // inside record #100
    bytes[at] ^= 0x5A;

    SegmentScanner.Summary summary = SegmentScanner.summarize(bytes, 1, false);

    List<Long> expected = new ArrayList<>(range(1, 300));
    expected.remove(Long.valueOf(100));
    assertEquals(expected, numbers(bytes, 1));
    assertEquals(299, summary.records());
    assertEquals(
        List.of(new DamagedRange(starts.get(99), starts.get(100) - starts.get(99), "CRC mismatch")),
        summary.damaged());
    assertNull(summary.tail());
  }

  @Test
  void everyKindOfDamageCostsOnlyTheRecordsItCovers() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] good = segment(1, 200, starts);
    // A zeroed block across records #10..#14, a length field claiming 2 GiB in #50, a plausible
    // but wrong length in #80 (claiming a few records more), a record number out of sequence in
    // #120 (rewritten with its CRC). A wrong length that claims bytes holding other damage costs
    // the records in between too: they cannot be told from frames forged in #80's text.
    byte[] bytes = good.clone();
    Arrays.fill(bytes, starts.get(9) + 3, starts.get(13) + 5, (byte) 0);
    ByteBuffer.wrap(bytes).putInt(starts.get(49) + 4, Integer.MAX_VALUE - 7);
    ByteBuffer.wrap(bytes)
        .putInt(starts.get(79) + 4, starts.get(84) - starts.get(79) - RecordFormat.HEADER_BYTES);
    renumber(bytes, starts.get(119), 7);

    SegmentScanner.Summary summary = SegmentScanner.summarize(bytes, 1, false);

    List<Long> expected = new ArrayList<>(range(1, 200));
    expected.removeAll(List.of(10L, 11L, 12L, 13L, 14L, 50L, 80L, 120L));
    assertEquals(expected, numbers(bytes, 1));
    assertEquals(
        List.of(
            (long) starts.get(9),
            (long) starts.get(49),
            (long) starts.get(79),
            (long) starts.get(119)),
        summary.damaged().stream().map(DamagedRange::offset).toList());
    assertEquals(starts.get(14) - starts.get(9), summary.damaged().get(0).length());
    assertEquals("bad payload length 2147483640", summary.damaged().get(1).problem());
    assertEquals("record #7 where #120 belongs", summary.damaged().get(3).problem());
  }

  @Test
  void aWholeRecordInsideDamageIsNotTakenWithANumberTheDamageCannotHaveHeld() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] bytes = segment(1, 20, starts);
    // Record #6 claims to be #1000: after one damaged record the next can be at most a few on.
    bytes[starts.get(4) + 20] ^= 1;
    renumber(bytes, starts.get(5), 1000);

    assertEquals(
        List.of(1L, 2L, 3L, 4L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L),
        numbers(bytes, 1));
  }

  @Test
  void aRecordCutShortAtTheEndIsATornTailAndWrongBytesAreNot() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] whole = segment(1, 10, starts);

    int lastLength = starts.get(10) - starts.get(9) - RecordFormat.HEADER_BYTES;
    Map<Integer, String> problems =
        Map.of(
            5,
            "record header cut short after 5 bytes",
            RecordFormat.HEADER_BYTES + 3,
            "record of " + lastLength + " bytes cut short by the end of the file");
    for (var cut : problems.entrySet()) {
      byte[] torn = Arrays.copyOf(whole, starts.get(9) + cut.getKey());
      for (boolean beingWritten : new boolean[] {false, true}) {
        SegmentScanner.Summary summary = SegmentScanner.summarize(torn, 1, beingWritten);
        assertEquals(9, summary.records());
        assertEquals(new DamagedRange(starts.get(9), cut.getKey(), cut.getValue()), summary.tail());
        assertTrue(summary.tornTail(), summary.tail().problem());
        assertTrue(summary.damaged().isEmpty());
      }
    }

    byte[] flipped = whole.clone();
    flipped[whole.length - 2] ^= 1;
    SegmentScanner.Summary summary = SegmentScanner.summarize(flipped, 1, false);
    assertEquals(9, summary.records());
    assertEquals(
        new DamagedRange(starts.get(9), whole.length - starts.get(9), "CRC mismatch"),
        summary.tail());
    assertFalse(summary.tornTail());
  }

  @Test
  void aLengthFieldClaimingGibibytesAllocatesNothingOfThatSize() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] bytes = segment(1, 100, starts);
    for (int k = 10; k < 100; k += 10) {
      ByteBuffer.wrap(bytes).putInt(starts.get(k) + 4, Integer.MAX_VALUE - k);
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    SegmentScanner.Summary summary = SegmentScanner.summarize(bytes, 1, false);

    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(91, summary.records());
    assertTrue(allocated < 4L << 20, "the scan allocated " + allocated + " bytes");
  }

  @Test
  void randomDamageCostsExactlyTheRecordsWhoseBytesItChanged() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] good = segment(1, 120, starts);
    for (int seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      byte[] bytes = good.clone();
      for (int hits = 1 + random.nextInt(4); hits > 0; hits--) {
        int at = random.nextInt(bytes.length);
        if (random.nextBoolean()) {
          bytes[at] ^= (byte) (1 + random.nextInt(255));
        } else {
          Arrays.fill(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(600)), (byte) 0);
        }
      }
      List<Long> untouched = new ArrayList<>();
      for (int k = 0; k < 120; k++) {
        if (Arrays.equals(
            bytes, starts.get(k), starts.get(k + 1), good, starts.get(k), starts.get(k + 1))) {
          untouched.add(k + 1L);
        }
      }

      SegmentScanner.Summary summary = SegmentScanner.summarize(bytes, 1, false);

      assertEquals(untouched, numbers(bytes, 1), "seed " + seed);
      long damagedBytes =
          summary.damaged().stream().mapToLong(DamagedRange::length).sum()
              + (summary.tail() == null ? 0 : summary.tail().length());
      long lostBytes = 0;
      for (int k = 0; k < 120; k++) {
        lostBytes += untouched.contains(k + 1L) ? 0 : starts.get(k + 1) - starts.get(k);
      }
      assertEquals(
          lostBytes, damagedBytes, "the damaged ranges are the lost records, seed " + seed);
    }
  }

  /**
   * A frame of record {@code number} made only of ASCII bytes, so plug-in or audit text can hold it
   * verbatim: what a hostile plug-in would log to plant a record.
   */
  static byte[] forgedFrame(long number) {
    ByteBuffer buffer = ByteBuffer.allocate(RecordFormat.MAX_RECORD_BYTES);
    CRC32C crc = new CRC32C();
    for (int k = 0; ; k++) {
      RecordFormat.encode(
          buffer,
          crc,
          number,
          0x0000_0170_1010_1010L,
          EventLevel.INFORMATION,
          HResult.S_OK,
          "audit".getBytes(UTF_8),
          ("FORGED logon ok " + k).getBytes(UTF_8));
      byte[] frame = Arrays.copyOf(buffer.array(), buffer.limit());
      boolean ascii = true;
      for (byte b : frame) {
        ascii &= b >= 0;
      }
      if (ascii) {
        return frame;
      }
    }
  }

  /** Records 1..3, then #4 whose text holds a forged frame of #4, then #5. */
  static byte[] segmentWithForgedFrameInFourth(List<Integer> starts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(RecordFormat.MAX_RECORD_BYTES);
    CRC32C crc = new CRC32C();
    String forged = new String(forgedFrame(4), java.nio.charset.StandardCharsets.ISO_8859_1);
    for (long n = 1; n <= 5; n++) {
      starts.add(out.size());
      String text = n == 4 ? "user said: " + forged + "x".repeat(2000) : "event number " + n;
      RecordFormat.encode(
          buffer,
          crc,
          n,
          T + n,
          EventLevel.INFORMATION,
          HResult.S_OK,
          "plugin".getBytes(UTF_8),
          text.getBytes(UTF_8));
      out.write(buffer.array(), 0, buffer.limit());
    }
    starts.add(out.size());
    return out.toByteArray();
  }

  @Test
  void aFrameForgedInTheTextOfARecordBeingWrittenIsNeverTaken() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] whole = segmentWithForgedFrameInFourth(starts);
    byte[] halfWritten = Arrays.copyOf(whole, starts.get(3) + 1000);

    // A reader while #4 is being written stops before it, and later sees the real #4 and #5.
    SegmentScanner.Summary live = SegmentScanner.summarize(halfWritten, 1, true);
    assertEquals(3, live.lastRecord().recordNumber());
    assertEquals(List.of(), live.damaged());
    assertEquals((long) starts.get(3), live.tail().offset());
    assertTrue(live.tornTail());
    try (SegmentScanner scanner = SegmentScanner.over(whole, 1, true)) {
      for (long n = 1; n <= 5; n++) {
        EventRecord record = scanner.next();
        assertEquals(n, record.recordNumber());
        assertEquals(n != 4, record.text().startsWith("event number "), record.text());
      }
    }

    // Recovery after a kill mid-write: the forged frame is not a record; #4 is a torn tail.
    SegmentScanner.Summary recovered = SegmentScanner.summarize(halfWritten, 1, false);
    assertEquals(List.of(1L, 2L, 3L), numbers(halfWritten, 1));
    assertEquals(List.of(), recovered.damaged());
    assertEquals(
        new DamagedRange(
            starts.get(3),
            1000,
            "record of "
                + (starts.get(4) - starts.get(3) - RecordFormat.HEADER_BYTES)
                + " bytes cut short by the end of the file"),
        recovered.tail());
    assertTrue(recovered.tornTail());
  }

  @Test
  void aFrameForgedInTheTextOfADamagedRecordIsNotTakenAndTheNextRealOneIs() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] bytes = segmentWithForgedFrameInFourth(starts);
    bytes[starts.get(4) - 10] ^= 1; // in #4's trailing x's, after the forged frame

    for (boolean beingWritten : new boolean[] {false, true}) {
      SegmentScanner.Summary summary = SegmentScanner.summarize(bytes, 1, beingWritten);
      assertEquals(
          List.of(new DamagedRange(starts.get(3), starts.get(4) - starts.get(3), "CRC mismatch")),
          summary.damaged());
      assertEquals(4, summary.records());
      assertEquals(5, summary.lastRecord().recordNumber());
    }
    assertEquals(List.of(1L, 2L, 3L, 5L), numbers(bytes, 1));
  }

  @Test
  void aDamagedLengthInTheLastRecordIsDamageNotATornTail() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] bytes = segment(1, 3, starts);
    bytes[starts.get(2) + 6] ^= 1; // the length now claims 256 bytes more than the file holds

    for (boolean beingWritten : new boolean[] {false, true}) {
      SegmentScanner.Summary summary = SegmentScanner.summarize(bytes, 1, beingWritten);
      assertEquals(2, summary.records());
      assertFalse(summary.tornTail(), "beingWritten " + beingWritten);
      assertEquals((long) starts.get(2), summary.tail().offset());
      assertEquals(bytes.length - starts.get(2), summary.tail().length());
      assertTrue(
          summary.tail().problem().endsWith("a whole record whose length is damaged"),
          summary.tail().problem());
    }
  }

  @Test
  void aTailOfZeroBytesIsToldFromOtherDamage() throws Exception {
    List<Integer> starts = new ArrayList<>();
    byte[] good = segment(1, 5, starts);
    byte[] zeroed = Arrays.copyOf(good, good.length + 4096);

    SegmentScanner.Summary summary = SegmentScanner.summarize(zeroed, 1, false);

    assertEquals(5, summary.records());
    assertTrue(summary.zeroTail());
    assertEquals(
        new DamagedRange(good.length, 4096, "only zero bytes to the end of the file"),
        summary.tail());
    zeroed[good.length + 4000] = 1;
    assertFalse(SegmentScanner.summarize(zeroed, 1, false).zeroTail());
  }

  /** Gives the record at {@code start} another number and a CRC that matches it. */
  private static void renumber(byte[] bytes, int start, long number) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int length = b.getInt(start + 4);
    b.putLong(start + RecordFormat.HEADER_BYTES, number);
    CRC32C crc = new CRC32C();
    crc.update(bytes, start + RecordFormat.HEADER_BYTES, length);
    b.putInt(start + 8, (int) crc.getValue());
  }
}
