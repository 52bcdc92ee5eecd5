package org.authhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.DiagnosticType;
import org.authhost.host.diagnostics.TroubleshootingEntry;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.CliRun;
import org.authhost.host.testing.LogCapture;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 7, as the operator meets it: one flipped byte in the middle of the event log's
 * active segment, then a host start, {@code events verify} while it runs, and a second start.
 */
class EventLogDamageHostTest {
  @TempDir Path root;

  private static CliRun cli(String... args) {
    return CliRun.of(args);
  }

  @Test
  void aFlippedByteCostsOneRecordIsReportedOnceAndVerifyFindsIt() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    HostConfig hostConfig = TestHosts.load(config);
    Path segment = hostConfig.eventLog().directory().resolve("events-00000000000000000001.log");
    List<Long> starts = new ArrayList<>();
    try (LogCapture quiet = LogCapture.silence("authhost.events");
        EventLogStore store = EventLogStore.open(hostConfig.eventLog(), Clock.systemUTC())) {
      for (int i = 1; i <= 300; i++) {
        starts.add(Files.size(segment));
        store.append(EventLevel.INFORMATION, "host", HResult.S_OK, "event number " + i);
      }
      starts.add(Files.size(segment));
    }
    long at = starts.get(99);
    long length = starts.get(100) - at;
    try (FileChannel ch =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, at + length / 2);
      ch.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0x20)}), at + length / 2);
    }
    long size = Files.size(segment);
    String where = segment + ": offset " + at + ", " + length + " bytes (CRC mismatch)";

    AuthHost host = AuthHost.create(hostConfig);
    host.start();
    try {
      List<TroubleshootingEntry> entries =
          host.troubleshooting().entries().stream()
              .filter(e -> e.hresult().equals(HResult.E_FILE_CORRUPT))
              .toList();
      assertEquals(1, entries.size(), host.troubleshooting().entries().toString());
      TroubleshootingEntry entry = entries.get(0);
      assertEquals(DiagnosticType.SERVER_EVENT_LOG_ERROR, entry.type());
      assertTrue(entry.text().startsWith("[eventlog/damaged-segment] " + where), entry.text());
      EventRecord event =
          host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR)).get(0);
      assertEquals(entry.eventRecordNumber(), event.recordNumber());
      assertEquals(entry.text(), event.text());

      List<Long> kept =
          host.eventLog().query(EventQuery.all()).stream()
              .map(EventRecord::recordNumber)
              .filter(n -> n <= 300)
              .toList();
      List<Long> allBut100 = new ArrayList<>(LongStream.rangeClosed(1, 300).boxed().toList());
      allBut100.remove(Long.valueOf(100));
      assertEquals(allBut100, kept);
      assertEquals(size, Files.size(segment), "the damaged segment is kept whole");

      CliRun verify = cli("events", "verify", "--config", config.toString());
      assertEquals(1, verify.code(), verify.out() + verify.err());
      assertTrue(
          verify
              .out()
              .contains(
                  "events-00000000000000000001.log: 299 records to #300, "
                      + size
                      + " bytes, DAMAGED"),
          verify.out());
      assertTrue(
          verify
              .out()
              .contains("  damaged: offset " + at + ", " + length + " bytes (CRC mismatch)"),
          verify.out());
      assertTrue(
          verify
              .out()
              .contains(
                  "  kept aside: events-00000000000000000001.log."
                      + at
                      + "-"
                      + length
                      + ".damaged"),
          verify.out());
      assertTrue(
          verify
              .out()
              .lines()
              .anyMatch(
                  l -> l.startsWith("events-00000000000000000301.log: ") && l.endsWith(" ok")),
          verify.out());

      // The option where 'events' takes it, before the subcommand, reads the same directory.
      CliRun parentOption = cli("events", "--config", config.toString(), "verify");
      assertEquals(verify, parentOption);
    } finally {
      host.stop();
    }

    AuthHost again = AuthHost.create(hostConfig);
    again.start();
    try {
      assertEquals(
          List.of(),
          again.troubleshooting().entries().stream()
              .filter(e -> e.hresult().equals(HResult.E_FILE_CORRUPT))
              .toList(),
          "reported once, not at every start");
      List<EventRecord> errors =
          again.eventLog().query(EventQuery.all().withHResult(HResult.E_FILE_CORRUPT));
      assertEquals(1, errors.size(), errors.toString());
      assertEquals(
          299,
          again.eventLog().query(EventQuery.all()).stream()
              .filter(e -> e.text().startsWith("event number "))
              .count());
    } finally {
      again.stop();
    }
  }

  @Test
  void verifyOfAnIntactLogExitsZero() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    AuthHost host = AuthHost.create(TestHosts.load(config));
    host.start();
    host.stop();

    CliRun verify = cli("events", "verify", "--config", config.toString());

    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("events-00000000000000000001.log: "), verify.out());
    assertTrue(verify.out().contains(" 0 damaged range(s)"), verify.out());
  }
}
