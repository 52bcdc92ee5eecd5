package org.authhost.host.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer process with SIGKILL mid-stream and checks that every append it acknowledged
 * survived, that the log reopens cleanly and that numbering continues.
 */
class EventLogCrashTest {
  private static final int ACKS_BEFORE_KILL = 20_000;

  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyAcknowledgedAppendSurvivesKillDashNine() throws Exception {
    Path logDir = dir.resolve("events");
    Path stderr = dir.resolve("writer-stderr.txt");
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process writer =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                EventLogCrashWriter.class.getName(),
                logDir.toString())
            .redirectError(stderr.toFile())
            .start();

    // record number -> "thread seq", as acknowledged
    Map<Long, String> acks = new ConcurrentHashMap<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(writer.getInputStream(), UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  String[] f = line.split(" ");
                  if (f.length == 4 && f[0].equals("ACK")) {
                    acks.put(Long.parseLong(f[1]), f[2] + " " + f[3]);
                  }
                }
              } catch (IOException e) {
                // the pipe breaks when the process dies
              }
            },
            "ack-pump");
    pump.start();

    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
      while (acks.size() < ACKS_BEFORE_KILL && writer.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (acks.size() < ACKS_BEFORE_KILL) {
        fail(
            "writer acknowledged only "
                + acks.size()
                + " appends (alive="
                + writer.isAlive()
                + "): "
                + Files.readString(stderr));
      }
    } finally {
      writer.destroyForcibly();
      assertTrue(writer.waitFor(10, TimeUnit.SECONDS), "writer did not die");
      pump.join(10_000);
    }

    try (EventLogStore store =
        EventLogStore.open(
            TestLogs.config(
                logDir, TestLogs.UNBOUNDED, EventLogCrashWriter.SEGMENT_BYTES, 0, false),
            Clock.systemUTC())) {
      List<EventRecord> records = store.query(EventQuery.all());
      long last = store.lastRecordNumber();
      long maxAck = acks.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      assertTrue(last >= maxAck, "last record #" + last + " is before the last ACK #" + maxAck);
      // A record cut short by the kill keeps its number: the next one is given after it.
      assertTrue(
          last == records.size() || last == records.size() + 1,
          "records are contiguous from 1: " + records.size() + " of " + last);

      long[] nextSeq = new long[2];
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        EventRecord r = records.get(i);
        if (r.recordNumber() != i + 1) {
          problems.add("record #" + r.recordNumber() + " at position " + (i + 1));
          continue;
        }
        int thread = Integer.parseInt(r.source().substring("crash-".length()));
        // Each thread's events land in its own order, with no gap: text follows from position.
        if (!r.text().equals(EventLogCrashWriter.text(thread, nextSeq[thread]))
            || !r.hresult().equals(HResult.of(thread))
            || r.level() != EventLevel.WARNING) {
          problems.add("record #" + r.recordNumber() + " is " + r);
        }
        nextSeq[thread]++;
        String ack = acks.get(r.recordNumber());
        if (ack != null && !ack.equals(thread + " " + (nextSeq[thread] - 1))) {
          problems.add("record #" + r.recordNumber() + " was acknowledged as " + ack + ": " + r);
        }
      }
      for (long acked : acks.keySet()) {
        if (acked > records.size()) {
          problems.add("acknowledged record #" + acked + " is missing");
        }
      }
      assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 20)));

      assertEquals(
          last + 1,
          store
              .append(EventLevel.INFORMATION, "host", HResult.S_OK, "after the crash")
              .recordNumber());
    }
  }
}
