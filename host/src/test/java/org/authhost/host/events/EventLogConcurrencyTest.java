package org.authhost.host.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.EventLogConfig;
import org.authhost.host.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EventLogConcurrencyTest {
  private static final int THREADS = 4;

  @TempDir Path dir;
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
  @Timeout(60)
  void concurrentAppendsGetUniqueContiguousNumbersAndNoTornRecord() throws Exception {
    // Small segments, so threads also race with rolling.
    assertAppendsFromThreads(TestLogs.config(dir, TestLogs.UNBOUNDED, 64 * 1024, 0, false), 5000);
  }

  @Test
  @Timeout(60)
  void concurrentAppendsWithFsyncShareForces() throws Exception {
    assertAppendsFromThreads(TestLogs.config(dir, TestLogs.UNBOUNDED, 8 * 1024, 0, true), 150);
  }

  private void assertAppendsFromThreads(EventLogConfig config, int perThread) throws Exception {
    List<List<EventRecord>> appended = new ArrayList<>();
    try (EventLogStore store = EventLogStore.open(config, Clock.systemUTC())) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<List<EventRecord>>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          futures.add(
              pool.submit(
                  () -> {
                    List<EventRecord> mine = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                      mine.add(
                          store.append(
                              EventLevel.INFORMATION,
                              "t" + thread,
                              HResult.S_OK,
                              "thread " + thread + " event " + i));
                    }
                    return mine;
                  }));
        }
        for (Future<List<EventRecord>> f : futures) {
          appended.add(f.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }

    long total = (long) THREADS * perThread;
    List<Long> numbers =
        appended.stream().flatMap(List::stream).map(EventRecord::recordNumber).sorted().toList();
    assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), numbers);

    // Reopening finds nothing to repair, and reading back gives exactly what was returned.
    long bytesBefore = totalBytes();
    try (LogCapture warnings = LogCapture.of(EventLogStore.class.getName());
        EventLogStore store = EventLogStore.open(config, Clock.systemUTC())) {
      assertEquals(bytesBefore, totalBytes());
      assertTrue(warnings.events().isEmpty(), () -> "unexpected: " + warnings.events());
      List<EventRecord> stored = store.query(EventQuery.all());
      assertEquals(total, stored.size());
      for (int i = 0; i < stored.size(); i++) {
        assertEquals(i + 1, stored.get(i).recordNumber());
      }
      for (int t = 0; t < THREADS; t++) {
        assertEquals(
            appended.get(t),
            store.query(EventQuery.all().withSource("t" + t)),
            "thread " + t + "'s records, in its order");
      }
    }
  }

  private long totalBytes() throws IOException {
    long total = 0;
    for (Path file : TestLogs.segmentFiles(dir)) {
      total += Files.size(file);
    }
    return total;
  }
}
