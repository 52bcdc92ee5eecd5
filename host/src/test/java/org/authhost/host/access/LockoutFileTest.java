package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lockouts a host without shared state keeps in its data folder across a restart. */
class LockoutFileTest {
  @TempDir Path data;

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void theLockoutsInForceAreReadBackAndThoseOverAreNot() {
    // A name is the client's to choose: a line break in it must not write a lockout of its own.
    String forged = "account:bob\n2099-01-01T00:00:00Z account:carol";
    List<LogonThrottle.Lockout> inForce =
        List.of(
            new LogonThrottle.Lockout("account:alice", NOW.plusSeconds(900)),
            new LogonThrottle.Lockout("ip:2001:db8:1:2::/64", NOW.plusSeconds(60)),
            new LogonThrottle.Lockout(forged, NOW.plusSeconds(900)),
            new LogonThrottle.Lockout("account:over", NOW.minusSeconds(1)));
    List<String> failures = new ArrayList<>();
    LockoutFile written = new LockoutFile(data, CLOCK, true, failures::add, text -> {});
    written.keep(() -> inForce, l -> {});
    written.write();
    assertTrue(Files.exists(data.resolve("lockouts")));
    List<LogonThrottle.Lockout> read =
        new LockoutFile(data, CLOCK, true, failures::add, text -> {}).read(NOW);
    assertEquals(inForce.subList(0, 3), read);
    assertEquals(List.of(), failures);
  }

  @Test
  void noFileOrAStrayLineIsNoLockout() throws Exception {
    LockoutFile file = new LockoutFile(data, CLOCK, true, text -> {}, text -> {});
    assertEquals(List.of(), file.read(NOW));
    Files.writeString(
        data.resolve("lockouts"),
        "garbage\nnot-a-time account:alice\n2099-01-01T00:00:00Z other:thing\n");
    assertEquals(List.of(), file.read(NOW));
  }

  @Test
  void aFailedWriteIsReported() throws Exception {
    Path notAFolder = Files.writeString(data.resolve("plain-file"), "x");
    List<String> failures = new ArrayList<>();
    LockoutFile file = new LockoutFile(notAFolder, CLOCK, true, failures::add, text -> {});
    file.keep(() -> List.of(new LogonThrottle.Lockout("account:alice", NOW)), l -> {});
    file.write();
    assertEquals(1, failures.size());
    assertTrue(failures.get(0).contains("a restart would lift them"), failures.get(0));
  }
}
