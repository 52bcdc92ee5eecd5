package org.authhost.host.events;

import static org.authhost.host.events.EventLogStoreTest.numbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.EventLogConfig;
import org.authhost.host.testing.LogCapture;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EventLogReaderTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

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
  void aReaderStopsAtARecordBeingWrittenAndNeverTakesAFrameInItsText() throws IOException {
    List<Integer> starts = new ArrayList<>();
    byte[] whole = SegmentScannerTest.segmentWithForgedFrameInFourth(starts);
    Path segment = dir.resolve("events-00000000000000000001.log");
    Files.write(segment, Arrays.copyOf(whole, starts.get(3) + 1000)); // #4 half written
    EventLogReader reader = EventLogStore.openReader(dir);

    assertEquals(List.of(1L, 2L, 3L), numbers(reader.query(EventQuery.all())));
    SegmentCheck check = reader.verify().get(0);
    assertEquals(List.of(), check.damaged());
    assertEquals((long) starts.get(3), check.incompleteTail().offset());

    Files.write(segment, whole); // the writer finishes #4 and writes #5
    List<EventRecord> after = reader.query(EventQuery.all().withAfterRecordNumber(3));
    assertEquals(List.of(4L, 5L), numbers(after));
    assertTrue(after.get(0).text().startsWith("user said: "), after.get(0).text());
  }

  @Test
  void readerSeesWhatAWriterAppendsWhileBothAreOpen() throws IOException {
    Path logDir = dir.resolve("not-yet");
    EventLogReader reader = EventLogStore.openReader(logDir);
    assertEquals(List.of(), reader.query(EventQuery.all()));
    assertEquals(0, reader.lastRecordNumber());

    try (EventLogStore store = EventLogStore.open(TestLogs.simple(logDir), clock)) {
      assertEquals(0, reader.lastRecordNumber());
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "one");
      assertEquals(List.of(1L), numbers(reader.query(EventQuery.all())));
      store.append(EventLevel.ERROR, "anonymous", HResult.E_FAIL, "two");
      assertEquals(List.of(2L), numbers(reader.query(EventQuery.all().withAfterRecordNumber(1))));
      assertEquals(2, reader.lastRecordNumber());
    }
  }

  @Test
  void readerSkipsARecordBeingWrittenAndChangesNothing() throws IOException {
    try (LogCapture warnings = LogCapture.of(EventLogReader.class.getName());
        EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "one");
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "two");
      Path segment = TestLogs.lastSegment(dir);
      byte[] whole = Files.readAllBytes(segment);
      // The first 20 bytes of a record, as a reader can catch it mid-write.
      Files.write(segment, Arrays.copyOf(whole, 20), StandardOpenOption.APPEND);
      long size = Files.size(segment);

      EventLogReader reader = EventLogStore.openReader(dir);
      assertEquals(List.of(1L, 2L), numbers(reader.query(EventQuery.all())));
      assertEquals(2, reader.lastRecordNumber());
      assertEquals(size, Files.size(segment));
      assertTrue(warnings.events().stream().noneMatch(e -> e.getLevel() == Level.WARN));
    }
  }

  @Test
  void aDamagedRecordInAnOlderSegmentIsSkippedAloneWithOneWarning() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, 1000, 0, false);
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      for (int i = 1; i <= 60; i++) {
        store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "event number " + i);
      }
    }
    Path first = TestLogs.segmentFiles(dir).get(0);
    byte[] before = Files.readAllBytes(first);
    EventLogStoreTest.flipByte(first, before.length / 2);
    String second = TestLogs.segmentFiles(dir).get(1).getFileName().toString();
    long secondFirst = Long.parseLong(second.substring(7, 27));

    try (LogCapture warnings = LogCapture.of(EventLogReader.class.getName())) {
      EventLogReader reader = EventLogStore.openReader(dir);
      List<Long> read = numbers(reader.query(EventQuery.all()));
      List<Long> again = numbers(reader.query(EventQuery.all()));

      assertEquals(read, again);
      List<Long> missing = new ArrayList<>(LongStream.rangeClosed(1, 60).boxed().toList());
      missing.removeAll(read);
      assertEquals(1, missing.size(), "all but the damaged record: " + read);
      assertTrue(missing.get(0) < secondFirst, "the damaged record was in the first segment");
      assertEquals(
          1,
          warnings.events().stream().filter(e -> e.getLevel() == Level.WARN).count(),
          "warned once, not on every query");
      assertTrue(
          warnings.events().get(0).getFormattedMessage().contains(first.toString()),
          warnings.events().get(0).getFormattedMessage());
      assertEquals(before.length, Files.size(first), "a reader changes no file");
      assertEquals(List.of(first), TestLogs.segmentFiles(dir).subList(0, 1));
      assertEquals(List.of(), listAside(dir), "a reader keeps nothing aside");
    }
  }

  @Test
  void aPageOfASegmentWithManyMoreMatchesIsItsNewestAndAFollowerReadsTheOldestAfterItsMark()
      throws IOException {
    // One segment of 3,000 records, every other one from "a"; then small segments.
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      for (int i = 1; i <= 3000; i++) {
        store.append(EventLevel.INFORMATION, i % 2 == 0 ? "a" : "b", HResult.S_OK, "n " + i);
      }
      EventLogReader reader = EventLogStore.openReader(dir);
      List<Long> page = numbers(reader.query(EventQuery.all().withSource("a").withLimit(10)));
      assertEquals(LongStream.rangeClosed(1491, 1500).map(n -> n * 2).boxed().toList(), page);
      // A follower past record 100: the next 10 of "a", oldest first, not the newest 10.
      List<Long> next =
          numbers(
              reader
                  .oldest(EventQuery.all().withSource("a").withAfterRecordNumber(100), 10)
                  .records());
      assertEquals(LongStream.rangeClosed(51, 60).map(n -> n * 2).boxed().toList(), next);
      assertEquals(
          List.of(2998L, 3000L),
          numbers(
              reader
                  .oldest(EventQuery.all().withSource("a").withAfterRecordNumber(2996), 10)
                  .records()),
          "the last page holds what is left");
    }
  }

  /**
   * A follower's page is read up to the record that fills it, not to the end of its segment (a poll
   * every 2 s must not decode up to 16 MB for ten records): damage further on in the segment is not
   * even reached. A page that is not full says how far it read, matching or not.
   */
  @Test
  void aFollowersPageStopsReadingAtTheRecordThatFillsItAndSaysHowFarItRead() throws IOException {
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      for (int i = 1; i <= 3000; i++) {
        store.append(EventLevel.INFORMATION, i % 2 == 0 ? "a" : "b", HResult.S_OK, "n " + i);
      }
    }
    Path segment = TestLogs.segmentFiles(dir).get(0);
    EventLogStoreTest.flipByte(segment, (int) (Files.size(segment) * 9 / 10));
    List<DamagedRange> found = new ArrayList<>();
    EventLogReader reader = new EventLogReader(dir, (s, range, zeroTail) -> found.add(range));

    EventLogReader.Page page = reader.oldest(EventQuery.all().withSource("a"), 10);
    assertEquals(
        LongStream.rangeClosed(1, 10).map(n -> n * 2).boxed().toList(), numbers(page.records()));
    assertEquals(20, page.lastRead());
    assertEquals(List.of(), found, "the read stopped long before the damaged record");

    EventLogReader.Page rest =
        reader.oldest(EventQuery.all().withSource("none").withAfterRecordNumber(20), 10);
    assertEquals(List.of(), rest.records());
    assertEquals(3000, rest.lastRead(), "read to the end: the next poll starts after it");
    assertEquals(1, found.size(), "a read that gets there reports the damage");
  }

  @Test
  void aFollowerReadsAcrossSegmentsPageByPageAndLosesNothing() throws IOException {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, 1000, 0, false);
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      for (int i = 1; i <= 120; i++) {
        store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "event number " + i);
      }
    }
    assertTrue(TestLogs.segmentFiles(dir).size() > 3, "several segments");
    EventLogReader reader = EventLogStore.openReader(dir);
    List<Long> read = new ArrayList<>();
    long mark = 7;
    for (List<Long> page = List.of(0L); !page.isEmpty(); ) {
      page = numbers(reader.oldest(EventQuery.all().withAfterRecordNumber(mark), 25).records());
      assertTrue(page.size() <= 25, page.toString());
      read.addAll(page);
      mark = page.isEmpty() ? mark : page.get(page.size() - 1);
    }
    assertEquals(LongStream.rangeClosed(8, 120).boxed().toList(), read);
  }

  private static List<Path> listAside(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".damaged")).toList();
    }
  }

  @Test
  @Timeout(30)
  void followShowsTheNewestHistoryThenEveryNewMatch() throws Exception {
    EventLogConfig config = TestLogs.config(dir, TestLogs.UNBOUNDED, 2000, 0, false);
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      for (int i = 1; i <= 10; i++) {
        store.append(
            i % 2 == 0 ? EventLevel.ERROR : EventLevel.INFORMATION,
            "host",
            HResult.S_OK,
            "history " + i);
      }
      List<EventRecord> seen = new CopyOnWriteArrayList<>();
      AtomicInteger written = new AtomicInteger(10);
      AtomicInteger polls = new AtomicInteger();
      List<Duration> pauses = new CopyOnWriteArrayList<>();

      long last =
          EventLogStore.openReader(dir)
              .follow(
                  EventQuery.all().withLevel(EventLevel.ERROR).withLimit(2),
                  Duration.ofMillis(200),
                  seen::add,
                  () -> {
                    // Ten bursts bring the log to 200; a follow that lost its place would loop on.
                    if (polls.incrementAndGet() > 20) {
                      throw new AssertionError("still following after 20 polls: " + numbers(seen));
                    }
                    // Between polls, a burst of 20 records, ten of them matching: more than the
                    // first poll's limit, so a later poll that kept the limit would lose some.
                    int from = written.get();
                    int to = Math.min(200, from + 20);
                    for (int i = from + 1; i <= to; i++) {
                      store.append(
                          i % 2 == 0 ? EventLevel.ERROR : EventLevel.INFORMATION,
                          "host",
                          HResult.S_OK,
                          "live " + i);
                    }
                    written.set(to);
                    return seen.get(seen.size() - 1).recordNumber() < 200;
                  },
                  pauses::add);

      List<Long> expected = LongStream.rangeClosed(8, 200).filter(n -> n % 2 == 0).boxed().toList();
      assertEquals(expected, numbers(seen));
      assertEquals(200, last);
      assertEquals(polls.get() - 1, pauses.size(), "a pause between polls, none after the last");
      assertEquals(Duration.ofMillis(200), pauses.get(0), "the interval asked for, not slept");
    }
  }
}
