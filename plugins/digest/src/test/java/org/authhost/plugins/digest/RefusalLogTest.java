package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.api.support.PluginEvents;
import org.junit.jupiter.api.Test;

/** A flood of refusals: one event, then one summary per interval, in bounded memory. */
class RefusalLogTest {
  private static final Duration MINUTE = Duration.ofSeconds(60);
  private static final Refusal BAD =
      new Refusal(Refusal.Kind.MALFORMED, "nc '1' is not 8 hex digits");
  private static final Refusal REPLAY =
      new Refusal(Refusal.Kind.REPLAYED, "nc 00000001 was already used");

  private final FakeServer server = new FakeServer(Path.of("unused"));
  private final FakeServer.TestClock clock = new FakeServer.TestClock();

  private RefusalLog log(int slots) {
    return new RefusalLog(
        new PluginEvents(server.eventLog(), FakeServer.values()), clock, MINUTE, slots);
  }

  private List<String> events() {
    return server.texts(EventLevel.INFORMATION);
  }

  @Test
  void theFirstIsLoggedTheRestCountedAndSummarisedOncePerInterval() {
    RefusalLog log = log(16);
    log.refused("192.0.2.7", BAD);
    for (int i = 0; i < 99; i++) {
      clock.advance(Duration.ofMillis(500));
      log.refused("192.0.2.7", BAD);
    }
    assertEquals(
        List.of("Digest response from 192.0.2.7 refused: nc '1' is not 8 hex digits"), events());

    clock.advance(Duration.ofSeconds(10)); // 59.5 s after the first
    log.flush();
    assertEquals(1, events().size(), "no summary before the interval is over");
    clock.advance(Duration.ofMillis(500));
    log.flush();
    assertEquals("99 more malformed Digest requests from 192.0.2.7 in 49 s", events().get(1));

    // The flood goes on: counted from the summary on, never a full event again.
    for (int i = 0; i < 10; i++) {
      log.refused("192.0.2.7", BAD);
    }
    clock.advance(MINUTE);
    log.flush();
    assertEquals("10 more malformed Digest requests from 192.0.2.7 in 1 s", events().get(2));
    assertEquals(3, events().size());

    // A whole quiet interval: the address is forgotten, and its next refusal is a first again.
    clock.advance(MINUTE);
    log.flush();
    log.refused("192.0.2.7", BAD);
    assertEquals(4, events().size());
    assertEquals(
        "Digest response from 192.0.2.7 refused: nc '1' is not 8 hex digits", events().get(3));
  }

  @Test
  void withoutAHeartbeatTheNextRefusalBringsTheSummary() {
    RefusalLog log = log(16);
    log.refused("192.0.2.7", BAD);
    log.refused("192.0.2.7", BAD);
    clock.advance(Duration.ofSeconds(90));
    log.refused("192.0.2.7", BAD); // counted for the next summary
    assertEquals(
        List.of(
            "Digest response from 192.0.2.7 refused: nc '1' is not 8 hex digits",
            "1 more malformed Digest requests from 192.0.2.7 in 1 s"),
        events());
    clock.advance(MINUTE);
    log.flush();
    assertEquals("1 more malformed Digest requests from 192.0.2.7 in 1 s", events().get(2));
  }

  @Test
  void aLateSummarySaysTheSpanOfTheRefusalsItCountedNotTheTimeUntilItWasWritten() {
    RefusalLog log = log(16);
    log.refused("192.0.2.7", BAD);
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(10));
      log.refused("192.0.2.7", BAD); // at 10, 20 and 30 s
    }
    clock.advance(Duration.ofMinutes(5)); // no heartbeat came
    log.refused("192.0.2.7", BAD);
    assertEquals(
        "3 more malformed Digest requests from 192.0.2.7 in 20 s",
        events().get(1),
        "from the first counted (10 s) to the last (30 s), not the 330 s until the summary");
  }

  @Test
  void otherAddressesCountPastTheIntervalUntilASummaryAndItsSpanSaysSo() {
    RefusalLog log = log(4); // every address probes all four slots
    for (int i = 0; i < 4; i++) {
      log.refused("192.0.2." + i, BAD);
    }
    log.refused("198.51.100.1", BAD); // no free slot: counted for other addresses
    clock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 4; i++) {
      log.refused("192.0.2." + i, BAD); // a new interval each: the slots stay taken
    }
    clock.advance(Duration.ofSeconds(39));
    log.refused("198.51.100.2", BAD); // past the interval of the other addresses' count
    int before = events().size();
    log.flush();
    assertEquals(
        List.of(
            "2 more malformed Digest requests from other addresses (the plug-in's table of"
                + " addresses was full) in 100 s"),
        events().subList(before, events().size()));
  }

  @Test
  void addressesAndKindsAreCountedApart() {
    RefusalLog log = log(16);
    log.refused("192.0.2.7", BAD);
    log.refused("192.0.2.7", REPLAY);
    log.refused("192.0.2.8", BAD);
    log.refused("192.0.2.7", BAD);
    log.refused("192.0.2.7", REPLAY);
    log.refused("192.0.2.7", REPLAY);
    assertEquals(3, events().size());
    clock.advance(MINUTE);
    log.flush();
    assertEquals(
        List.of(
            "1 more malformed Digest requests from 192.0.2.7 in 1 s",
            "2 more replayed Digest requests from 192.0.2.7 in 1 s"),
        events().subList(3, events().size()).stream().sorted().toList());
  }

  @Test
  void aFloodFromManyAddressesStaysWithinTheTable() {
    RefusalLog log = log(8);
    int addresses = 10_000;
    for (int i = 0; i < addresses; i++) {
      log.refused("2001:db8::" + Integer.toHexString(i), BAD);
    }
    int full = events().size();
    assertTrue(full <= 8, "at most one full event per slot, not per address: " + full);
    clock.advance(MINUTE);
    log.flush();
    List<String> summaries = events().subList(full, events().size());
    assertEquals(
        List.of(
            (addresses - full)
                + " more malformed Digest requests from other addresses (the plug-in's"
                + " table of addresses was full) in 1 s"),
        summaries,
        "every refusal is accounted for");

    // The interval is over: the slots are free for the next addresses.
    log.refused("192.0.2.7", BAD);
    assertEquals(
        "Digest response from 192.0.2.7 refused: nc '1' is not 8 hex digits",
        events().get(events().size() - 1));
  }

  @Test
  void aBusySlotWhoseIntervalIsOverIsReusedAfterItsSummary() {
    RefusalLog log = log(4); // every address probes all four slots
    for (int i = 0; i < 4; i++) {
      log.refused("192.0.2." + i, BAD);
      log.refused("192.0.2." + i, BAD);
    }
    clock.advance(MINUTE);
    log.refused("198.51.100.1", BAD); // no heartbeat came: one old slot makes way
    assertEquals(6, events().size());
    assertTrue(
        events().get(4).matches("1 more malformed Digest requests from 192\\.0\\.2\\.[0-3] in 1 s"),
        events().get(4));
    assertEquals(
        "Digest response from 198.51.100.1 refused: nc '1' is not 8 hex digits", events().get(5));
  }

  @Test
  void closeWritesWhatIsStillCounted() {
    RefusalLog log = log(16);
    log.refused("192.0.2.7", BAD);
    log.refused("192.0.2.7", BAD);
    log.refused("192.0.2.7", BAD);
    clock.advance(Duration.ofSeconds(5));
    log.close();
    assertEquals("2 more malformed Digest requests from 192.0.2.7 in 1 s", events().get(1));
    log.flush();
    assertEquals(2, events().size(), "nothing is counted twice");
  }

  @Test
  void aClientWithoutAnAddressIsCountedAsOne() {
    RefusalLog log = log(16);
    log.refused(null, BAD);
    log.refused(null, BAD);
    assertEquals(List.of("Digest response from ? refused: nc '1' is not 8 hex digits"), events());
  }

  @Test
  void theTableSizeMustBeAPowerOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> log(12));
    assertThrows(IllegalArgumentException.class, () -> log(2));
  }
}
