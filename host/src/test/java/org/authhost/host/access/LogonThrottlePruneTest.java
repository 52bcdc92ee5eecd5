package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Past 100,000 keys, all lockouts still in force: none is dropped to make room (a flood of invented
 * names must not lift real lockouts), and each goes by itself once over, by the host's clock, with
 * no scan of the whole map on the thread that reads Redis's messages.
 */
class LogonThrottlePruneTest {
  @TempDir Path dir;

  @Test
  void lockoutsInForceAreNeverDroppedToMakeRoomAndGoByThemselvesWhenOver() throws Exception {
    Files.writeString(
        dir.resolve("host.json"),
        """
        { "serverName": "t", "dataDirectory": "var",
          "security": { "lockout": { "threshold": 3, "addressThreshold": 1,
            "windowSeconds": 60, "durationSeconds": 3600 } } }
        """);
    MutableClock clock = new MutableClock();
    LogonThrottle throttle =
        AuthHost.services(ConfigLoader.load(dir), FakeTime.of(clock))
            .getInstance(LogonThrottle.class);
    int n = 100_002;
    for (int i = 0; i < n; i++) {
      throttle.failedHere("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), null);
    }
    assertEquals(n, throttle.lockouts().size(), "none was dropped: all are in force");
    assertTrue(throttle.addressLockedOut("10.0.0.0").isPresent(), "the first is still locked");

    // A flood of invented names, one failure each, past the bound: keys with failures only are
    // dropped to make room (a count lost at worst), never one with a lockout in force.
    for (int i = 0; i < LogonThrottle.MAX_COUNTED + 100; i++) {
      throttle.failedHere("192.0.2.1", "invented" + i);
    }
    assertTrue(
        throttle.keysHeld() <= n + 1 + LogonThrottle.MAX_COUNTED,
        "failure-only keys bounded: " + throttle.keysHeld());
    assertEquals(n + 1, throttle.lockouts().size(), "every lockout in force is kept");

    // An account's failure (no lockout yet) lasts its window; the lockouts their duration.
    throttle.failedHere("192.0.2.1", "carol");
    clock.advance(Duration.ofSeconds(61));
    assertEquals(n + 1, throttle.keysHeld(), "carol's failure is over; the lockouts are not");
    assertFalse(throttle.knowsAccount("carol"), "carol's count went by itself");

    clock.advance(Duration.ofSeconds(3600));
    assertEquals(0, throttle.keysHeld(), "every lockout went by itself once over");
    assertEquals(0, throttle.lockouts().size());
  }
}
