package org.authhost.host.events;

import static org.authhost.host.events.EventLogStoreTest.numbers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.EventLogConfig;
import org.authhost.host.testing.LogCapture;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage in real segment files: the store never deletes an intact record, and says so once. */
class EventLogDamageTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private LogCapture quiet;
  private LogCapture storeLog;

  @BeforeEach
  void silenceLogs() {
    quiet = LogCapture.silence(EventEcho.LOGGER_NAME);
    storeLog = LogCapture.of(EventLogStore.class.getName());
  }

  @AfterEach
  void restoreLogs() {
    storeLog.close();
    quiet.close();
  }

  /** Appends records 1..count to one segment; returns each record's offset, and the end. */
  private List<Long> writeRecords(EventLogConfig config, int count) throws IOException {
    List<Long> starts = new ArrayList<>();
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      for (int i = 1; i <= count; i++) {
        starts.add(Files.size(TestLogs.lastSegment(dir)));
        store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "event number " + i);
      }
      starts.add(Files.size(TestLogs.lastSegment(dir)));
    }
    return starts;
  }

  private static List<Long> allBut(long from, long to, Long... lost) {
    List<Long> numbers = new ArrayList<>(LongStream.rangeClosed(from, to).boxed().toList());
    numbers.removeAll(List.of(lost));
    return numbers;
  }

  @Test
  void aFlippedByteMidActiveSegmentLosesOneRecordAndARestartKeepsEveryOther() throws IOException {
    List<Long> starts = writeRecords(TestLogs.simple(dir), 300);
    Path segment = TestLogs.lastSegment(dir);
    long at = starts.get(99); // record #100
    long length = starts.get(100) - at;
    EventLogStoreTest.flipByte(segment, at + length / 2);
    byte[] damagedBytes = Files.readAllBytes(segment);

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);

      assertEquals(allBut(1, 300, 100L), numbers(store.query(EventQuery.all())));
      assertArrayEquals(damagedBytes, Files.readAllBytes(segment), "not one byte cut");
      assertEquals(1, found.size(), found.toString());
      LogDamage damage = found.get(0);
      assertEquals(segment, damage.segment());
      assertEquals(new DamagedRange(at, length, "CRC mismatch"), damage.range());
      assertFalse(damage.torn());
      assertEquals(EventLevel.ERROR, damage.level());
      assertEquals(HResult.E_FILE_CORRUPT, damage.hresult());
      assertTrue(
          damage.describe().contains(segment.toString())
              && damage.describe().contains("offset " + at),
          damage.describe());
      assertEquals(
          segment.resolveSibling(segment.getFileName() + "." + at + "-" + length + ".damaged"),
          damage.keptIn());
      assertArrayEquals(
          Arrays.copyOfRange(damagedBytes, (int) at, (int) (at + length)),
          Files.readAllBytes(damage.keptIn()));

      // The damaged segment is sealed as it is; appends go to a new one.
      assertEquals(300, store.lastRecordNumber());
      EventRecord next = store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "after");
      assertEquals(301, next.recordNumber());
      assertEquals(
          List.of(segment.getFileName().toString(), "events-00000000000000000301.log"),
          TestLogs.segmentFiles(dir).stream().map(p -> p.getFileName().toString()).toList());
      assertArrayEquals(damagedBytes, Files.readAllBytes(segment));
    }

    List<LogDamage> again = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(again::add);
      assertEquals(allBut(1, 301, 100L), numbers(store.query(EventQuery.all())));
      assertEquals(List.of(), again, "reported once, not on every start or read");
    }
  }

  @Test
  void damageThenACrashMidWriteCutsOnlyTheTornRecordAndSealsTheRest() throws IOException {
    List<Long> starts = writeRecords(TestLogs.simple(dir), 40);
    Path segment = TestLogs.lastSegment(dir);
    EventLogStoreTest.flipByte(segment, starts.get(9) + 20); // record #10
    byte[] whole = Files.readAllBytes(segment);
    // A crash in the middle of a 41st record: its first 30 bytes (a copy of #1's) made it out.
    Files.write(segment, Arrays.copyOf(whole, 30), StandardOpenOption.APPEND);

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);

      assertArrayEquals(whole, Files.readAllBytes(segment), "only the torn record is cut");
      assertEquals(2, found.size(), found.toString());
      assertTrue(found.get(0).torn());
      assertEquals(
          new DamagedRange(whole.length, 30, found.get(0).range().problem()), found.get(0).range());
      assertArrayEquals(Arrays.copyOf(whole, 30), Files.readAllBytes(found.get(0).keptIn()));
      assertFalse(found.get(1).torn());
      assertEquals(starts.get(9), found.get(1).range().offset());
      // #41 may have been acknowledged (the bytes cannot tell): its number is not given again.
      assertEquals(
          42, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "42").recordNumber());
      assertEquals(allBut(1, 42, 10L, 41L), numbers(store.query(EventQuery.all())));
    }
  }

  @Test
  void aTornRecordAnEarlierRunCopiedButDidNotReportIsReportedAndCopiedAgainApart()
      throws IOException {
    writeRecords(TestLogs.simple(dir), 3);
    Path segment = TestLogs.lastSegment(dir);
    long end = Files.size(segment);
    byte[] torn = {1, 1, 1, 1, 1, 1, 1};
    Files.write(segment, torn, StandardOpenOption.APPEND);
    // An earlier start copied the torn record aside, then died before cutting and reporting it.
    String name = segment.getFileName() + "." + end + "-7";
    Files.write(segment.resolveSibling(name + ".torn.pending"), torn);

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);
      assertEquals(end, Files.size(segment));
    }

    assertEquals(2, found.size(), found.toString());
    assertTrue(found.stream().allMatch(LogDamage::torn), found.toString());
    assertEquals(
        List.of(segment.resolveSibling(name + ".torn-2"), segment.resolveSibling(name + ".torn")),
        found.stream().map(LogDamage::keptIn).toList());
    for (LogDamage damage : found) {
      assertArrayEquals(torn, Files.readAllBytes(damage.keptIn()));
    }
    assertEquals(List.of(), filesEndingIn(".pending"));
  }

  @Test
  void damageInASealedSegmentIsSkippedReportedOnceAndNeverTouched() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, 2000, 0, false);
    writeRecords(config, 120);
    List<Path> files = TestLogs.segmentFiles(dir);
    assertTrue(files.size() >= 3, files.toString());
    Path sealed = files.get(1);
    long sealedFirst = Long.parseLong(sealed.getFileName().toString().substring(7, 27));
    // The length field of the sealed segment's third record claims far more than a record holds.
    long third = thirdRecordOffset(sealed);
    try (FileChannel ch = FileChannel.open(sealed, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4).putInt(0, 0x7FFF_FFF0), third + 4);
    }
    byte[] damaged = Files.readAllBytes(sealed);

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      store.reportDamageTo(found::add);
      assertEquals(List.of(), found, "open reads only the active segment");

      assertEquals(allBut(1, 120, sealedFirst + 2), numbers(store.query(EventQuery.all())));
      assertEquals(allBut(1, 120, sealedFirst + 2), numbers(store.query(EventQuery.all())));

      assertEquals(1, found.size(), "once, not on every query: " + found);
      assertEquals(sealed, found.get(0).segment());
      assertEquals(third, found.get(0).range().offset());
      assertEquals("bad payload length 2147483632", found.get(0).range().problem());
      assertArrayEquals(damaged, Files.readAllBytes(sealed));
      assertEquals(
          121, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "more").recordNumber());
    }
    List<LogDamage> again = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      store.reportDamageTo(again::add);
      assertEquals(allBut(1, 121, sealedFirst + 2), numbers(store.query(EventQuery.all())));
      assertEquals(List.of(), again, "an earlier run reported it");
    }
  }

  @Test
  void damageFoundInTheActiveSegmentWhileRunningSealsItBeforeTheNextAppend() throws IOException {
    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);
      for (int i = 1; i <= 10; i++) {
        store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "event number " + i);
      }
      Path segment = TestLogs.lastSegment(dir);
      long size = Files.size(segment);
      EventLogStoreTest.flipByte(segment, size / 2);

      assertEquals(9, store.query(EventQuery.all()).size());
      assertEquals(1, found.size(), found.toString());
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "after");

      assertEquals(size, Files.size(segment), "nothing written after the damage reported");
      assertEquals(2, TestLogs.segmentFiles(dir).size());
      assertEquals(10, store.query(EventQuery.all()).size());
    }
  }

  @Test
  void retentionDeletesWhatWasKeptAsideWithItsSegment() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, 1000, 0, false);
    writeRecords(config, 60);
    Path first = TestLogs.segmentFiles(dir).get(0);
    EventLogStoreTest.flipByte(first, 100);
    List<LogDamage> found = new ArrayList<>();
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      store.reportDamageTo(found::add);
      store.query(EventQuery.all());
    }
    assertEquals(1, found.size());
    assertTrue(Files.exists(found.get(0).keptIn()));

    EventLogStore.open(TestLogs.config(dir, 1500, 1000, 0, false), clock).close();

    assertFalse(Files.exists(first));
    assertFalse(Files.exists(found.get(0).keptIn()), "kept-aside bytes go with their segment");
  }

  /** The files in the directory whose names end in {@code suffix}. */
  private List<Path> filesEndingIn(String suffix) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  @Test
  void damageFoundByAStartThatDiesBeforeReportingIsReportedByTheNextStart() throws IOException {
    List<Long> starts = writeRecords(TestLogs.simple(dir), 10);
    Path segment = TestLogs.lastSegment(dir);
    long at = starts.get(4);
    long length = starts.get(5) - at;
    EventLogStoreTest.flipByte(segment, at + length / 2);
    byte[] damagedBytes =
        Arrays.copyOfRange(Files.readAllBytes(segment), (int) at, (int) (at + length));

    // The host opens the log, then its start fails (or it is killed) before the report is written.
    EventLogStore.open(TestLogs.simple(dir), clock).close();
    assertEquals(List.of(), filesEndingIn(".damaged"), "not marked reported: it was not");
    assertEquals(1, filesEndingIn(".pending").size());

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);
      assertEquals(1, found.size(), found.toString());
      LogDamage damage = found.get(0);
      assertEquals(segment, damage.segment());
      assertEquals(at, damage.range().offset());
      assertEquals(length, damage.range().length());
      assertEquals(EventLevel.ERROR, damage.level());
      assertArrayEquals(damagedBytes, Files.readAllBytes(damage.keptIn()));
      assertEquals(List.of(), filesEndingIn(".pending"));
      store.query(EventQuery.all());
      assertEquals(1, found.size(), "once: " + found);
    }
    List<LogDamage> again = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(again::add);
      store.query(EventQuery.all());
      assertEquals(List.of(), again, "reported, so not again");
    }
  }

  @Test
  void damageThatGrowsAtTheSameOffsetIsReportedAgain() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, 2000, 0, false);
    writeRecords(config, 60);
    Path sealed = TestLogs.segmentFiles(dir).get(0);
    long third = thirdRecordOffset(sealed);
    EventLogStoreTest.flipByte(sealed, third + 20);

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      store.reportDamageTo(found::add);
      store.query(EventQuery.all());
      assertEquals(1, found.size(), found.toString());
      long firstLength = found.get(0).range().length();

      // The fourth record goes bad too: the damaged range now starts at the same offset, longer.
      EventLogStoreTest.flipByte(sealed, third + firstLength + 20);
      store.query(EventQuery.all());
      store.query(EventQuery.all());

      assertEquals(2, found.size(), found.toString());
      assertEquals(third, found.get(1).range().offset());
      assertTrue(found.get(1).range().length() > firstLength, found.toString());
      assertTrue(Files.exists(found.get(0).keptIn()) && Files.exists(found.get(1).keptIn()));
    }
  }

  @Test
  void theReportOfDamageFoundWhileRunningIsNotWrittenIntoTheDamagedSegment() throws IOException {
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      // As HostEvents does: the report is itself an append to the same log.
      store.reportDamageTo(d -> store.append(d.level(), "host", d.hresult(), d.describe()));
      for (int i = 1; i <= 10; i++) {
        store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "event number " + i);
      }
      Path segment = TestLogs.lastSegment(dir);
      long size = Files.size(segment);
      EventLogStoreTest.flipByte(segment, size / 2);
      byte[] damaged = Files.readAllBytes(segment);

      assertEquals(9, store.query(EventQuery.all()).size());

      assertArrayEquals(damaged, Files.readAllBytes(segment), "nothing written after the damage");
      List<Path> files = TestLogs.segmentFiles(dir);
      assertEquals(2, files.size(), files.toString());
      EventRecord report = store.query(EventQuery.all().withLevel(EventLevel.ERROR)).get(0);
      assertEquals(11, report.recordNumber());
      assertTrue(report.text().startsWith("[eventlog/damaged-segment] " + segment), report.text());
      assertEquals("events-00000000000000000011.log", files.get(1).getFileName().toString());
    }
  }

  @Test
  void aDamagedLengthInTheLastRecordIsReportedAsDamageAndNothingIsCut() throws IOException {
    List<Long> starts = writeRecords(TestLogs.simple(dir), 3);
    Path segment = TestLogs.lastSegment(dir);
    EventLogStoreTest.flipByte(segment, starts.get(2) + 6); // #3's length, now past the end
    byte[] damaged = Files.readAllBytes(segment);

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);

      assertArrayEquals(damaged, Files.readAllBytes(segment), "an acknowledged record is not cut");
      assertEquals(1, found.size(), found.toString());
      assertEquals(LogDamage.Kind.DAMAGED, found.get(0).kind());
      assertEquals(EventLevel.ERROR, found.get(0).level());
      assertEquals(starts.get(2), found.get(0).range().offset());
      assertTrue(
          store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "next").recordNumber() > 3,
          "#3's number is not given again");
    }
    SegmentCheck check = EventLogStore.openReader(dir).verify().get(0);
    assertEquals(1, check.damaged().size(), check.toString());
    assertEquals(null, check.incompleteTail());
  }

  @Test
  void aCrashWhileWritingARecordWithAForgedFrameInItsTextKeepsNoForgedRecord() throws IOException {
    List<Integer> starts = new ArrayList<>();
    byte[] whole = SegmentScannerTest.segmentWithForgedFrameInFourth(starts);
    Path segment = dir.resolve("events-00000000000000000001.log");
    Files.write(segment, Arrays.copyOf(whole, starts.get(3) + 1000));

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);

      assertEquals(List.of(1L, 2L, 3L), numbers(store.query(EventQuery.all())));
      assertEquals(1, found.size(), found.toString());
      assertTrue(found.get(0).torn());
      assertEquals((long) starts.get(3), Files.size(segment));
      assertEquals(
          5, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "next").recordNumber());
    }
  }

  @Test
  void aCopyThatCannotBeMadeStillReportsTheDamageAndSealsTheSegment() throws IOException {
    List<Long> starts = writeRecords(TestLogs.simple(dir), 10);
    Path segment = TestLogs.lastSegment(dir);
    long at = starts.get(4);
    long length = starts.get(5) - at;
    EventLogStoreTest.flipByte(segment, at + length / 2);
    // Where the copy would go, something that cannot be written: as a full disk refuses it.
    Files.createDirectory(
        segment.resolveSibling(
            segment.getFileName() + "." + at + "-" + length + ".damaged.pending"));

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);

      assertEquals(1, found.size(), found.toString());
      assertEquals(null, found.get(0).keptIn());
      assertTrue(found.get(0).describe().contains("no copy of the damaged bytes could be kept"));
      assertEquals(
          11, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "11").recordNumber());
      assertEquals(2, TestLogs.segmentFiles(dir).size(), "sealed all the same");
    }
    List<LogDamage> again = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(again::add);
      store.query(EventQuery.all());
      assertEquals(1, again.size(), "reported again, now with its copy: " + again);
      assertTrue(Files.exists(again.get(0).keptIn()));
    }
  }

  @Test
  void aZeroedTailIsReportedAsWhatAPowerLossLeavesNotAsFailingHardware() throws IOException {
    writeRecords(TestLogs.simple(dir), 3);
    Path segment = TestLogs.lastSegment(dir);
    long end = Files.size(segment);
    Files.write(segment, new byte[4096], StandardOpenOption.APPEND);

    List<LogDamage> found = new CopyOnWriteArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);
    }
    assertEquals(1, found.size(), found.toString());
    LogDamage damage = found.get(0);
    assertEquals(LogDamage.Kind.ZEROED_TAIL, damage.kind());
    assertEquals(
        new DamagedRange(end, 4096, "only zero bytes to the end of the file"), damage.range());
    assertTrue(damage.describe().startsWith("[eventlog/zeroed-tail] "), damage.describe());
    assertTrue(damage.describe().contains("eventLog.fsync"), damage.describe());
    assertFalse(damage.describe().contains("failing hardware"), damage.describe());
  }

  @Test
  void keptAsideCopiesCountAgainstTheSizeBoundAndOrphansAreSwept() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, 1000, 0, false);
    writeRecords(config, 60);
    List<Path> segments = TestLogs.segmentFiles(dir);
    long segmentBytes = 0;
    for (Path segment : segments) {
      segmentBytes += Files.size(segment);
    }
    // A copy as big as the log, of a segment long gone, and one of the oldest segment.
    Path orphan = dir.resolve("events-00000000000000000000.log.0-10.damaged");
    Files.write(orphan, new byte[10]);
    Path copy = segments.get(0).resolveSibling(segments.get(0).getFileName() + ".0-40.damaged");
    Files.write(copy, new byte[(int) segmentBytes]);

    EventLogStore.open(TestLogs.config(dir, segmentBytes + 100, 1000, 0, false), clock).close();

    assertFalse(Files.exists(orphan), "an orphaned copy is swept");
    assertFalse(Files.exists(copy), "copies count: the log was over its bound with them");
    assertFalse(Files.exists(segments.get(0)));
    assertTrue(Files.exists(segments.get(segments.size() - 1)));
  }

  private static long thirdRecordOffset(Path segment) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(RecordFormat.HEADER_BYTES);
    long at = 0;
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
      for (int i = 0; i < 2; i++) {
        ch.read(header.clear(), at);
        at += RecordFormat.HEADER_BYTES + header.getInt(4);
      }
    }
    return at;
  }
}
