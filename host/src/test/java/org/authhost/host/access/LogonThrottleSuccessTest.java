package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A right password clears its account's failures, but not a lockout in force, and skips the look-up
 * only while nobody has failures at all (the common logon).
 */
class LogonThrottleSuccessTest {
  @TempDir Path dir;

  @Test
  void aSuccessClearsItsAccountsFailuresOnlyAndNeverALockoutInForce() throws Exception {
    Files.writeString(
        dir.resolve("host.json"),
        """
        { "serverName": "t", "dataDirectory": "var",
          "security": { "lockout": { "threshold": 3, "addressThreshold": 0,
            "windowSeconds": 60, "durationSeconds": 3600 } } }
        """);
    MutableClock clock = new MutableClock();
    LogonThrottle throttle =
        AuthHost.services(ConfigLoader.load(dir), FakeTime.of(clock))
            .getInstance(LogonThrottle.class);

    throttle.succeeded("alice"); // nothing held: nothing to clear
    assertEquals(0, throttle.keysHeld());

    throttle.failedHere("192.0.2.1", "alice");
    throttle.failedHere("192.0.2.1", "alice");
    throttle.failedHere("192.0.2.1", "bob");
    throttle.succeeded("alice");
    assertFalse(throttle.knowsAccount("alice"), "alice's right password cleared her count");
    assertTrue(throttle.knowsAccount("bob"), "bob's count is his");

    // Had alice's two failures stayed, one more would lock her out.
    throttle.failedHere("192.0.2.1", "alice");
    throttle.failedHere("192.0.2.1", "alice");
    assertTrue(throttle.lockedOut("192.0.2.1", "alice").isEmpty(), "two of three since");

    throttle.failedHere("192.0.2.1", "alice");
    assertTrue(throttle.lockedOut("192.0.2.1", "alice").isPresent(), "the third locks her out");
    throttle.succeeded("alice");
    assertTrue(
        throttle.lockedOut("192.0.2.1", "alice").isPresent(),
        "a right password does not lift a lockout in force");
  }
}
