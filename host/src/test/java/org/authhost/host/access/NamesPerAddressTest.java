package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client address inventing an account name per attempt: it counts at most {@code
 * namesPerAddress} names per window by name, so it cannot fill the table with failure-only entries
 * (evicting the counts of real names); its own count still counts every failure, so it locks itself
 * out. On the host's clock, in the host's memory (no Redis).
 */
class NamesPerAddressTest {
  private static final String ATTACKER = "192.0.2.66";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();

  /** The throttle of a host with {@code lockout} and the {@code accounts} (password pw-NAME). */
  private LogonThrottle throttle(String lockout, String... accounts) throws Exception {
    Files.writeString(
        dir.resolve("host.json"),
        """
        { "serverName": "t", "dataDirectory": "var", "security": { "lockout": %s } }
        """
            .formatted(lockout));
    for (String account : accounts) {
      TestHosts.addAccount(dir, account, "pw-" + account);
    }
    return AuthHost.services(ConfigLoader.load(dir), FakeTime.of(clock))
        .getInstance(LogonThrottle.class);
  }

  private static List<LogonThrottle.Lockout> fail(LogonThrottle t, String address, String name) {
    return t.failed(address, name).join();
  }

  @Test
  void anAddressCountsItsFirstNamesPerWindowByNameAndTheRestOnlyAsItsOwnFailures()
      throws Exception {
    LogonThrottle t =
        throttle(
            """
            { "threshold": 3, "addressThreshold": 1000, "windowSeconds": 60,
              "durationSeconds": 600, "namesPerAddress": 5 }
            """);
    for (int i = 0; i < 500; i++) {
      fail(t, ATTACKER, "invented" + i);
    }
    assertTrue(t.knowsAccount("invented4"), "the 5th name is counted");
    assertFalse(t.knowsAccount("invented5"), "the 6th is not: it used to be one more entry each");
    assertEquals(6, t.keysHeld(), "five names and the address, not 501 entries");

    // A name counted already goes on counting, to its lockout.
    fail(t, ATTACKER, "invented0");
    List<LogonThrottle.Lockout> begun = fail(t, ATTACKER, "INVENTED0");
    assertEquals(
        List.of("account:invented0"), begun.stream().map(LogonThrottle.Lockout::key).toList());

    // The cap is per address: another address's names are counted by name.
    fail(t, "198.51.100.1", "invented5");
    assertTrue(t.knowsAccount("invented5"));

    // A new window counts new names again.
    clock.advance(Duration.ofSeconds(61));
    fail(t, ATTACKER, "fresh");
    assertTrue(t.knowsAccount("fresh"));
  }

  @Test
  void theAddressStillLocksItselfOutWithNamesItDoesNotCountByName() throws Exception {
    LogonThrottle t =
        throttle(
            """
            { "threshold": 3, "addressThreshold": 30, "windowSeconds": 60,
              "durationSeconds": 600, "namesPerAddress": 10 }
            """);
    for (int i = 0; i < 29; i++) {
      assertEquals(List.of(), fail(t, ATTACKER, "n" + i));
    }
    List<LogonThrottle.Lockout> begun = fail(t, ATTACKER, "n29");
    assertEquals(
        List.of("ip:" + ATTACKER), begun.stream().map(LogonThrottle.Lockout::key).toList());
    assertTrue(t.addressLockedOut(ATTACKER).isPresent());
  }

  /**
   * The cap is for invented names: a real account's name is counted past it, else many addresses,
   * each past its cap, would guess that account's password without its lockout.
   */
  @Test
  void aRealAccountsNameIsCountedPastTheCap() throws Exception {
    LogonThrottle t =
        throttle(
            """
            { "threshold": 3, "addressThreshold": 1000, "windowSeconds": 60,
              "durationSeconds": 600, "namesPerAddress": 5 }
            """,
            "alice");
    for (int i = 0; i < 5; i++) {
      fail(t, ATTACKER, "invented" + i);
    }
    fail(t, ATTACKER, "invented5");
    assertFalse(t.knowsAccount("invented5"), "the cap is reached");
    // As the driver names a real account: qualified, lower-cased.
    fail(t, ATTACKER, "t\\alice");
    fail(t, ATTACKER, "t\\alice");
    assertEquals(
        List.of("account:alice"),
        fail(t, ATTACKER, "t\\alice").stream().map(LogonThrottle.Lockout::key).toList(),
        "alice's third failure locks her out, past the address's cap of names");
  }
}
