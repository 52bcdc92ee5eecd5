package org.authhost.host.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.testing.LogCapture;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

class EventLogStoreTest {
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
  void appendReturnsTheRecordAsQueriedBack() throws IOException {
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      EventRecord appended =
          store.append(EventLevel.ERROR, "anonymous", HResult.E_FAIL, "it broke: ünïcödé ✓");

      assertEquals(
          new EventRecord(
              1, T0, EventLevel.ERROR, "anonymous", HResult.E_FAIL, "it broke: ünïcödé ✓"),
          appended);
      assertEquals(List.of(appended), store.query(EventQuery.all()));
      assertEquals(1, store.lastRecordNumber());
      assertEquals(1, store.count());
    }
  }

  @Test
  void eachFilterSelectsItsRecords() throws IOException {
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "started"); // #1 at T0
      clock.advance(Duration.ofMinutes(1));
      store.append(EventLevel.ERROR, "anonymous", HResult.E_FAIL, "failed"); // #2 at T0+1m
      clock.advance(Duration.ofMinutes(1));
      store.append(EventLevel.WARNING, "anonymous", HResult.S_OK, "slow"); // #3 at T0+2m
      clock.advance(Duration.ofMinutes(1));
      store.append(EventLevel.ERROR, "host", HResult.E_TIMEOUT, "timed out"); // #4 at T0+3m

      assertEquals(List.of(1L, 2L, 3L, 4L), numbers(store.query(EventQuery.all())));
      assertEquals(
          List.of(2L, 4L), numbers(store.query(EventQuery.all().withLevel(EventLevel.ERROR))));
      assertEquals(
          List.of(2L, 3L, 4L),
          numbers(
              store.query(
                  EventQuery.all().withLevels(Set.of(EventLevel.ERROR, EventLevel.WARNING)))));
      assertEquals(List.of(2L, 3L), numbers(store.query(EventQuery.all().withSource("anonymous"))));
      assertEquals(
          List.of(4L), numbers(store.query(EventQuery.all().withHResult(HResult.E_TIMEOUT))));
      assertEquals(
          List.of(2L, 3L),
          numbers(
              store.query(
                  EventQuery.all()
                      .withFrom(T0.plus(Duration.ofMinutes(1)))
                      .withTo(T0.plus(Duration.ofMinutes(3))))));
      assertEquals(
          List.of(3L, 4L), numbers(store.query(EventQuery.all().withAfterRecordNumber(2))));
      assertEquals(List.of(3L, 4L), numbers(store.query(EventQuery.all().withLimit(2))));
      assertEquals(
          List.of(4L),
          numbers(
              store.query(
                  EventQuery.all().withLevel(EventLevel.ERROR).withSource("host").withLimit(5))));
      assertEquals(List.of(), store.query(EventQuery.all().withSource("nobody")));
      assertEquals(
          List.of(1L, 2L, 3L, 4L),
          numbers(store.query(EventQuery.all().withLevel(EventLevel.ERROR).withLevel())));
    }
  }

  @Test
  void numberingContinuesAfterReopen() throws IOException {
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "one");
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "two");
    }
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      assertEquals(2, store.lastRecordNumber());
      assertEquals(
          3, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "three").recordNumber());
      assertEquals(List.of("one", "two", "three"), texts(store.query(EventQuery.all())));
    }
  }

  @Test
  void recordCutShortAtTheEndIsTruncatedOnOpen() throws IOException {
    long endOfSecond = writeThree();
    Path segment = TestLogs.lastSegment(dir);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(segment) - 5); // the third record loses its last bytes
    }

    assertReopensAfterSecond(segment, endOfSecond);
  }

  @Test
  void garbageAfterTheLastRecordIsTruncatedOnOpen() throws IOException {
    writeThree();
    Path segment = TestLogs.lastSegment(dir);
    long endOfThird = Files.size(segment);
    Files.write(
        segment,
        new byte[] {0x45, 0x56, 0x54, 0x31, 0, 0, 0x7F, 1, 2, 3, 4, 5, 6},
        StandardOpenOption.APPEND);

    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(damage -> {});
      assertEquals(endOfThird, Files.size(segment));
      assertEquals(
          13,
          Files.size(
              segment.resolveSibling(segment.getFileName() + "." + endOfThird + "-13.torn")));
      assertEquals(4, store.lastRecordNumber(), "the torn record's number is not given again");
      assertEquals(
          5, store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "five").recordNumber());
      assertEquals(List.of(1L, 2L, 3L, 5L), numbers(store.query(EventQuery.all())));
    }
  }

  @Test
  void lastRecordWithBadCrcIsKeptSealedAndItsNumberIsNotGivenAgain() throws IOException {
    long endOfSecond = writeThree();
    Path segment = TestLogs.lastSegment(dir);
    long size = Files.size(segment);
    flipByte(segment, size - 2); // inside the third record's text: whole, but wrong
    byte[] damaged = Files.readAllBytes(segment);

    List<LogDamage> found = new ArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);
      assertEquals(List.of(1L, 2L), numbers(store.query(EventQuery.all())));
      EventRecord next = store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "four");

      assertArrayEquals(damaged, Files.readAllBytes(segment), "the damaged segment is unchanged");
      assertTrue(next.recordNumber() > 3, "#3 may have been read before: " + next);
      assertEquals(2, TestLogs.segmentFiles(dir).size());
      assertEquals(1, found.size(), found.toString());
      LogDamage damage = found.get(0);
      assertEquals(
          new DamagedRange(endOfSecond, size - endOfSecond, "CRC mismatch"), damage.range());
      assertEquals(EventLevel.ERROR, damage.level());
      assertArrayEquals(
          Arrays.copyOfRange(damaged, (int) endOfSecond, (int) size),
          Files.readAllBytes(damage.keptIn()));
    }
  }

  @Test
  void headerCutShortIsTruncatedOnOpen() throws IOException {
    long endOfSecond = writeThree();
    Path segment = TestLogs.lastSegment(dir);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(endOfSecond + 7); // only part of the third record's header
    }

    assertReopensAfterSecond(segment, endOfSecond);
  }

  @Test
  void longTextAndSourceAreCapped() throws IOException {
    String longText = "é".repeat(40_000); // 80,000 bytes of UTF-8
    String longSource = "s".repeat(300);
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      EventRecord record = store.append(EventLevel.WARNING, longSource, HResult.S_OK, longText);

      assertTrue(record.text().endsWith(RecordFormat.ELLIPSIS));
      assertTrue(record.text().getBytes(UTF_8).length <= RecordFormat.MAX_TEXT_BYTES);
      assertTrue(record.text().getBytes(UTF_8).length > RecordFormat.MAX_TEXT_BYTES - 4);
      assertTrue(longText.startsWith(record.text().substring(0, record.text().length() - 1)));
      assertEquals("s".repeat(256), record.source());
      assertEquals(List.of(record), store.query(EventQuery.all()));
    }
  }

  @Test
  void textJustUnderTheCapIsKeptWhole() throws IOException {
    String text = "x".repeat(RecordFormat.MAX_TEXT_BYTES);
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      assertEquals(text, store.append(EventLevel.WARNING, "host", HResult.S_OK, text).text());
      assertEquals(text, store.query(EventQuery.all()).get(0).text());
    }
  }

  @Test
  void recordsOfEverySizeReadBackAcrossTheReadBuffer() throws IOException {
    // Far more than the scanner's buffer, with records straddling every refill.
    List<EventRecord> appended = new ArrayList<>();
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      for (int i = 0; i < 3000; i++) {
        int length = i % 100 == 0 ? 30_000 : (i * 37) % 700;
        appended.add(
            store.append(
                EventLevel.INFORMATION,
                "host",
                HResult.S_OK,
                Integer.toString(i).repeat(length / 4 + 1)));
      }
      assertTrue(Files.size(TestLogs.lastSegment(dir)) > 1_000_000);
      assertEquals(appended, store.query(EventQuery.all()));
    }
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      assertEquals(3000, store.lastRecordNumber());
    }
  }

  @Test
  void eachAppendIsEchoedToTheEventsLoggerWithThePluginInTheMdc() throws IOException {
    quiet.close();
    try (LogCapture echo = LogCapture.of(EventEcho.LOGGER_NAME);
        EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "started");
      store.append(EventLevel.WARNING, "anonymous", HResult.S_FALSE, "slow");
      store.append(EventLevel.ERROR, "anonymous", HResult.E_FAIL, "text");

      List<ILoggingEvent> events = echo.events();
      assertEquals(3, events.size());
      assertEquals(Level.INFO, events.get(0).getLevel());
      assertEquals(Level.WARN, events.get(1).getLevel());
      assertEquals(Level.ERROR, events.get(2).getLevel());
      assertEquals("[#3] anonymous 0x80004005 E_FAIL: text", events.get(2).getFormattedMessage());
      assertEquals("anonymous", events.get(2).getMDCPropertyMap().get("plugin"));
      assertEquals("host", events.get(0).getMDCPropertyMap().get("plugin"));
      assertNull(MDC.get("plugin"));
    } finally {
      quiet = LogCapture.silence(EventEcho.LOGGER_NAME);
    }
  }

  @Test
  void echoRestoresAPluginAlreadyInTheMdc() throws IOException {
    MDC.put("plugin", "caller");
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      quiet.close();
      try (LogCapture echo = LogCapture.of(EventEcho.LOGGER_NAME)) {
        store.append(EventLevel.INFORMATION, "anonymous", HResult.S_OK, "x");
        assertEquals("anonymous", echo.events().get(0).getMDCPropertyMap().get("plugin"));
      }
      assertEquals("caller", MDC.get("plugin"));
    } finally {
      MDC.remove("plugin");
      quiet = LogCapture.silence(EventEcho.LOGGER_NAME);
    }
  }

  @Test
  void closeIsIdempotentAndAppendAfterCloseFails() throws IOException {
    EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock);
    store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "x");
    store.close();
    store.close();

    assertThrows(
        IllegalStateException.class,
        () -> store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "y"));
    assertEquals(1, store.query(EventQuery.all()).size());
  }

  @Test
  void aSecondStoreCannotOpenTheSameDirectory() throws IOException {
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      assertThrows(IOException.class, () -> EventLogStore.open(TestLogs.simple(dir), clock));
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "still works");
    }
    EventLogStore.open(TestLogs.simple(dir), clock).close(); // released on close
  }

  @Test
  void anInterruptedCallerNeitherBreaksTheStoreNorLosesItsInterrupt() throws IOException {
    try (EventLogStore store =
        EventLogStore.open(TestLogs.config(dir, TestLogs.UNBOUNDED, 64L << 20, 0, true), clock)) {
      Thread.currentThread().interrupt();
      try {
        store.append(EventLevel.ERROR, "slow-plugin", HResult.E_TIMEOUT, "overran");
        assertTrue(Thread.currentThread().isInterrupted());
      } finally {
        Thread.interrupted();
      }
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "after");
      assertEquals(List.of("overran", "after"), texts(store.query(EventQuery.all())));
    }
  }

  @Test
  void fsyncModeAppendsAndReopens() throws IOException {
    var config = TestLogs.config(dir, TestLogs.UNBOUNDED, 512, 0, true);
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      for (int i = 1; i <= 20; i++) {
        store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "durable " + i);
      }
    }
    try (EventLogStore store = EventLogStore.open(config, clock)) {
      assertEquals(
          LongStream.rangeClosed(1, 20).boxed().toList(), numbers(store.query(EventQuery.all())));
    }
  }

  @Test
  void queryRejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> EventQuery.all().withLimit(-1));
    assertThrows(IllegalArgumentException.class, () -> EventQuery.all().withAfterRecordNumber(-1));
    assertFalse(
        EventQuery.all()
            .withAfterRecordNumber(5)
            .matches(new EventRecord(5, T0, EventLevel.ERROR, "host", HResult.E_FAIL, "")));
  }

  /** Writes three records; returns the offset where the second one ends. */
  private long writeThree() throws IOException {
    try (EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "one");
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "two");
      long endOfSecond = Files.size(TestLogs.lastSegment(dir));
      store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "three, with some length");
      return endOfSecond;
    }
  }

  private void assertReopensAfterSecond(Path segment, long endOfSecond) throws IOException {
    byte[] before = Files.readAllBytes(segment);
    List<LogDamage> found = new ArrayList<>();
    try (LogCapture warnings = LogCapture.of(EventLogStore.class.getName());
        EventLogStore store = EventLogStore.open(TestLogs.simple(dir), clock)) {
      store.reportDamageTo(found::add);
      assertEquals(endOfSecond, Files.size(segment));
      assertEquals(1, found.size(), found.toString());
      LogDamage torn = found.get(0);
      assertTrue(torn.torn());
      assertEquals(EventLevel.WARNING, torn.level());
      assertEquals(endOfSecond, torn.range().offset());
      assertEquals(
          segment.resolveSibling(
              segment.getFileName()
                  + "."
                  + endOfSecond
                  + "-"
                  + (before.length - endOfSecond)
                  + ".torn"),
          torn.keptIn());
      assertArrayEquals(
          Arrays.copyOfRange(before, (int) endOfSecond, before.length),
          Files.readAllBytes(torn.keptIn()),
          "the cut bytes are kept aside");
      assertEquals(3, store.lastRecordNumber(), "the torn record's number is not given again");
      assertTrue(warnings.events().stream().anyMatch(e -> e.getLevel() == Level.WARN));
      EventRecord next = store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "three again");
      assertEquals(4, next.recordNumber());
      assertEquals(List.of("one", "two", "three again"), texts(store.query(EventQuery.all())));
    }
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0x5A));
      ch.write(one.rewind(), offset);
    }
  }

  static List<Long> numbers(List<EventRecord> records) {
    return records.stream().map(EventRecord::recordNumber).toList();
  }

  static List<String> texts(List<EventRecord> records) {
    return records.stream().map(EventRecord::text).toList();
  }
}
