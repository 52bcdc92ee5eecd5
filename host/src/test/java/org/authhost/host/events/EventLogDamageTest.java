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
          segment.resolveSibling(segment.getFileName() + "." + at + ".damaged"), damage.keptIn());
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
      assertEquals(
          41, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "41").recordNumber());
      assertEquals(allBut(1, 41, 10L), numbers(store.query(EventQuery.all())));
    }
  }

  @Test
  void aSecondTornRecordAtTheSameOffsetIsKeptInASecondFile() throws IOException {
    writeRecords(TestLogs.simple(dir), 3);
    Path segment = TestLogs.lastSegment(dir);
    long end = Files.size(segment);
    for (byte fill : new byte[] {1, 2}) {
      byte[] torn = new byte[7];
      Arrays.fill(torn, fill);
      Files.write(segment, torn, StandardOpenOption.APPEND);
      EventLogStore.open(TestLogs.simple(dir), clock).close();
      assertEquals(end, Files.size(segment));
    }

    String name = segment.getFileName() + "." + end;
    assertArrayEquals(
        new byte[] {1, 1, 1, 1, 1, 1, 1},
        Files.readAllBytes(segment.resolveSibling(name + ".torn")));
    assertArrayEquals(
        new byte[] {2, 2, 2, 2, 2, 2, 2},
        Files.readAllBytes(segment.resolveSibling(name + ".torn-2")));
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
