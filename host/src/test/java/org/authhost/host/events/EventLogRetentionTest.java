package org.authhost.host.events;

import static org.authhost.host.events.EventLogStoreTest.numbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

class EventLogRetentionTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final long SEGMENT = 1000;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private LogCapture quiet;

  @BeforeEach
  void silenceEcho() {
    quiet = LogCapture.silence(EventEcho.LOGGER_NAME);
  }

  @AfterEach
  void restoreEcho() {
    quiet.close();
  }

  @Test
  void fullSegmentsRollOverAndTheSizeBoundDeletesTheOldest() throws IOException {
    long maxBytes = 3 * SEGMENT;
    EventLogConfig config = TestLogs.config(dir, maxBytes, SEGMENT, 0, false);
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      for (int i = 1; i <= 500; i++) {
        store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "event number " + i);
        assertTrue(totalBytes() <= maxBytes + SEGMENT, "log grew past its bound at #" + i);
      }
      List<Path> files = TestLogs.segmentFiles(dir);
      assertTrue(files.size() >= 3 && files.size() <= 5, "segments: " + files);
      assertFalse(Files.exists(dir.resolve("events-00000000000000000001.log")));
      for (Path file : files) {
        assertTrue(Files.size(file) <= SEGMENT, file + " is over the segment size");
      }

      long first = firstNumber(files.get(0));
      assertEquals(
          LongStream.rangeClosed(first, 500).boxed().toList(),
          numbers(store.query(EventQuery.all())));
      assertEquals(500 - first + 1, store.count());
      assertEquals(List.of(499L, 500L), numbers(store.query(EventQuery.all().withLimit(2))));
      assertEquals(
          first, store.query(EventQuery.all().withAfterRecordNumber(3)).get(0).recordNumber());
    }
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      assertEquals(
          501, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "after").recordNumber());
    }
  }

  @Test
  void segmentsPastTheAgeBoundAreDeletedButNeverTheCurrentOne() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, SEGMENT, 7, false);
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      appendBatch(store, 60); // #1-#60 at T0, several segments
      clock.advance(Duration.ofDays(3));
      appendBatch(store, 60); // #61-#120 at T0+3d
      int before = TestLogs.segmentFiles(dir).size();

      clock.advance(Duration.ofDays(5)); // T0+8d: the T0-only segments are past 7 days
      store.enforceRetention();

      List<EventRecord> kept = store.query(EventQuery.all());
      assertTrue(TestLogs.segmentFiles(dir).size() < before);
      assertEquals(
          LongStream.rangeClosed(61, 120).boxed().toList(),
          numbers(kept.subList(kept.size() - 60, kept.size())),
          "all of the younger batch is kept");
      long oldKept = kept.stream().filter(r -> r.time().equals(T0)).count();
      assertTrue(oldKept < 60, "old-only segments deleted");
      assertEquals(kept.get(0).recordNumber(), firstNumber(TestLogs.segmentFiles(dir).get(0)));

      clock.advance(Duration.ofDays(3)); // T0+11d: everything is past the bound
      store.enforceRetention();
      assertEquals(1, TestLogs.segmentFiles(dir).size(), "the current segment stays");
      assertEquals(
          121, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "new").recordNumber());
    }
  }

  @Test
  void theAgeBoundIsAppliedOnOpenAndOnRoll() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, SEGMENT, 7, false);
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      appendBatch(store, 60);
    }
    assertTrue(TestLogs.segmentFiles(dir).size() > 2);

    clock.advance(Duration.ofDays(8));
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      assertEquals(1, TestLogs.segmentFiles(dir).size(), "deleted on open");
      assertEquals(60, store.lastRecordNumber());

      appendBatch(store, 60); // into the current segment, then rolling into new ones
      int before = TestLogs.segmentFiles(dir).size();
      clock.advance(Duration.ofDays(8));
      long firstBefore = store.query(EventQuery.all()).get(0).recordNumber();
      while (TestLogs.segmentFiles(dir).size() >= before
          && store.query(EventQuery.all()).get(0).recordNumber() == firstBefore) {
        appendBatch(store, 1); // until a roll deletes something
      }
      assertNoSealedSegmentHasOnlyRecordsBefore(store, clock.instant().minus(Duration.ofDays(7)));
    }
  }

  private void assertNoSealedSegmentHasOnlyRecordsBefore(EventLogStore store, Instant cutoff)
      throws IOException {
    List<Path> files = TestLogs.segmentFiles(dir);
    List<EventRecord> records = store.query(EventQuery.all());
    for (int i = 0; i < files.size() - 1; i++) {
      long first = firstNumber(files.get(i));
      long next = firstNumber(files.get(i + 1));
      Instant newest =
          records.stream()
              .filter(r -> r.recordNumber() >= first && r.recordNumber() < next)
              .map(EventRecord::time)
              .max(Instant::compareTo)
              .orElseThrow();
      assertFalse(newest.isBefore(cutoff), files.get(i) + " should have been deleted");
    }
  }

  @Test
  void zeroRetentionDaysKeepsEverything() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, SEGMENT, 0, false);
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      appendBatch(store, 60);
      clock.advance(Duration.ofDays(10_000));
      store.enforceRetention();
      assertEquals(60, store.query(EventQuery.all()).size());
    }
  }

  private static void appendBatch(EventLogStore store, int n) {
    for (int i = 0; i < n; i++) {
      store.append(EventLevel.WARNING, "anonymous", HResult.S_OK, "a warning of some length " + i);
    }
  }

  private long totalBytes() throws IOException {
    long total = 0;
    for (Path file : TestLogs.segmentFiles(dir)) {
      total += Files.size(file);
    }
    return total;
  }

  private static long firstNumber(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring("events-".length(), name.length() - ".log".length()));
  }
}
