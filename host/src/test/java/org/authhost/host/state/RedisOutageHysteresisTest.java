package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.authhost.api.EventLevel;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * The outage's hysteresis, on a fake clock: a command that fails now and then among answers is no
 * outage (no events, lockouts stay shared); failures in a row or a lost connection are, once; and
 * the end waits for answers in a row, or for a quiet spell.
 */
class RedisOutageHysteresisTest {
  private final MutableClock clock = new MutableClock();
  private final List<String> events = new ArrayList<>();
  private final RedisOutage outage =
      new RedisOutage((level, code, text) -> events.add(level + " " + text), "test", clock);

  private static final TimeoutException TIMED_OUT = new TimeoutException("timed out");

  private long count(EventLevel level) {
    return events.stream().filter(e -> e.startsWith(level + " ")).count();
  }

  @Test
  void aFailureNowAndThenAmongAnswersIsNoOutage() {
    for (int i = 0; i < 100; i++) {
      outage.commandFailed(TIMED_OUT);
      outage.answered();
      outage.commandFailed(TIMED_OUT);
      outage.answered();
      outage.answered();
    }
    assertFalse(outage.isDown());
    assertEquals(List.of(), events, "no event per failing command");
  }

  @Test
  void failuresInARowBeginOneOutageAndAnswersInARowEndIt() {
    for (int i = 1; i < RedisOutage.FAILURES_TO_DECLARE; i++) {
      outage.commandFailed(TIMED_OUT);
    }
    assertFalse(outage.isDown(), "not yet");
    for (int i = 0; i < 50; i++) {
      outage.commandFailed(TIMED_OUT);
    }
    assertTrue(outage.isDown());
    assertEquals(1, count(EventLevel.ERROR));
    assertEquals(1, count(EventLevel.WARNING));

    // An answer between failures does not end it (they flap under load).
    for (int i = 0; i < 20; i++) {
      outage.answered();
      outage.commandFailed(TIMED_OUT);
    }
    assertTrue(outage.isDown());
    for (int i = 1; i < RedisOutage.SUCCESSES_TO_RECOVER; i++) {
      outage.answered();
    }
    assertTrue(outage.isDown(), "not yet");
    outage.answered();
    assertFalse(outage.isDown());
    assertEquals(1, count(EventLevel.INFORMATION));
    assertEquals(1, count(EventLevel.ERROR), "still the one");
  }

  @Test
  void aLostConnectionIsAnOutageAtOnceAndAQuietSpellEndsItWithOneAnswer() {
    outage.unreachable(new IllegalStateException("the connection to Redis closed"));
    assertTrue(outage.isDown());
    assertEquals(1, count(EventLevel.ERROR));
    outage.answered();
    assertTrue(outage.isDown(), "one answer right after is not enough");
    clock.advance(RedisOutage.RECOVERY_QUIET.plus(Duration.ofMillis(1)));
    outage.answered();
    assertFalse(outage.isDown(), "a host with few requests recovers too");
    assertEquals(1, count(EventLevel.INFORMATION));

    outage.unreachable(null);
    outage.reachable(); // the connection made again
    assertFalse(outage.isDown());
    assertEquals(2, count(EventLevel.INFORMATION));
  }
}
