package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check that no lockout is in force reads the clock's milliseconds: a lockout that ends inside
 * a millisecond still holds in that millisecond's first part, and none is seen after its end.
 */
class LockoutEndByMillisTest {
  @TempDir Path dir;

  @Test
  void aLockoutEndingInsideAMillisecondHoldsUntilItsInstant() throws Exception {
    Files.writeString(
        dir.resolve("host.json"),
        """
        { "serverName": "t", "dataDirectory": "var",
          "security": { "lockout": { "threshold": 1, "addressThreshold": 1,
            "windowSeconds": 60, "durationSeconds": 60 } } }
        """);
    MutableClock clock = new MutableClock();
    Instant start = Instant.parse("2026-12-06T06:00:00.000400Z");
    clock.set(start);
    LogonThrottle throttle =
        AuthHost.services(ConfigLoader.load(dir), FakeTime.of(clock))
            .getInstance(LogonThrottle.class);
    assertTrue(throttle.addressLockedOut("192.0.2.1").isEmpty(), "nothing before a failure");

    throttle.failedHere("192.0.2.1", "alice");
    Instant end = start.plusSeconds(60);
    assertEquals(end, throttle.addressLockedOut("192.0.2.1").orElseThrow());
    assertTrue(throttle.lockedOut("192.0.2.9", "alice").isPresent(), "the account too");

    // The same millisecond as the end, 0.3 ms before it: still locked out.
    clock.set(end.minusNanos(300_000));
    assertEquals(clock.millis(), end.toEpochMilli());
    assertTrue(throttle.addressLockedOut("192.0.2.1").isPresent());
    assertTrue(throttle.lockedOut("192.0.2.1", "bob").isPresent());
    assertTrue(throttle.lockedOut("192.0.2.9", "alice").isPresent());
    assertFalse(throttle.addressLockedOut("192.0.2.2").isPresent(), "another address is not");

    clock.set(end);
    assertTrue(throttle.addressLockedOut("192.0.2.1").isEmpty(), "over at its end");
    assertTrue(throttle.lockedOut("192.0.2.9", "alice").isEmpty());
  }

  @Test
  void theEndInMillisecondsIsRoundedUp() {
    assertEquals(1_001, LogonThrottle.ceilMillis(Instant.ofEpochSecond(1, 1)));
    assertEquals(1_000, LogonThrottle.ceilMillis(Instant.ofEpochSecond(1)));
    assertEquals(-1_000, LogonThrottle.ceilMillis(Instant.ofEpochSecond(-1)));
    assertEquals(-999, LogonThrottle.ceilMillis(Instant.ofEpochSecond(-1, 1)));
    assertEquals(Long.MIN_VALUE, LogonThrottle.ceilMillis(Instant.MIN));
    assertEquals(Long.MAX_VALUE, LogonThrottle.ceilMillis(Instant.MAX));
  }
}
