package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Past 100,000 keys, all lockouts still in force (nothing to drop), the map is scanned at most once
 * a second, not once per failure or per message: each scan is O(n) on the thread that reads Redis.
 */
class LogonThrottlePruneTest {
  @TempDir Path dir;

  @Test
  void aMapFullOfLockoutsInForceIsScannedAtMostOnceASecond() throws Exception {
    Files.writeString(
        dir.resolve("host.json"),
        """
        { "serverName": "t", "dataDirectory": "var",
          "security": { "lockout": { "threshold": 0, "addressThreshold": 1,
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
    long scans = throttle.prunes.get();
    assertTrue(scans <= 1, "one scan at most while the clock stood still: " + scans);
    for (int i = 0; i < 1000; i++) {
      throttle.failedHere("192.0.2." + (i & 255), null);
    }
    assertEquals(scans, throttle.prunes.get(), "no scan per failure within the second");
    assertEquals(n + 256, throttle.lockouts().size(), "none was dropped: all are in force");
    clock.advance(Duration.ofSeconds(1));
    throttle.failedHere("192.0.2.1", null);
    assertEquals(scans + 1, throttle.prunes.get(), "a second later, one scan again");
  }
}
