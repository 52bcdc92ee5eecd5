package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nonces: their MAC, their lifetime, and the key file behind them. */
class NonceServiceTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final FakeServer.TestClock clock = new FakeServer.TestClock();
  private final byte[] key = randomKey();
  private final NonceService nonces =
      new NonceService(key, 7, Duration.ofSeconds(300), clock, RANDOM);

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return key;
  }

  @Test
  void aNonceIsFreshUntilItsLifetimeEnds() {
    String value = nonces.mint();
    assertEquals(54, value.length());
    assertTrue(value.matches("[A-Za-z0-9_-]+"), "base64url: safe inside a quoted-string and a URL");
    NonceService.Check check = nonces.check(value);
    assertEquals(NonceService.Status.FRESH, check.status());
    assertFalse(nonces.wantsNext(check));
    assertEquals(Duration.ofSeconds(360), nonces.remembrance(check), "its lifetime and a minute");

    clock.advance(Duration.ofSeconds(151));
    assertTrue(nonces.wantsNext(nonces.check(value)), "past half its lifetime: send a nextnonce");
    clock.advance(Duration.ofSeconds(149));
    assertEquals(NonceService.Status.FRESH, nonces.check(value).status(), "300 s exactly");
    clock.advance(Duration.ofMillis(1));
    assertEquals(NonceService.Status.EXPIRED, nonces.check(value).status());
    assertEquals(Duration.ofMinutes(1), nonces.remembrance(nonces.check(value)));
  }

  @Test
  void aNonceFromTheFutureBeyondItsLifetimeIsExpired() {
    clock.advance(Duration.ofSeconds(301));
    String n = nonces.mint();
    clock.advance(Duration.ofSeconds(-601)); // the clock was set back
    assertEquals(NonceService.Status.EXPIRED, nonces.check(n).status());
  }

  @Test
  void anyChangeBreaksTheMac() {
    String n = nonces.mint();
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      String changed = n.substring(0, i) + (c == 'A' ? 'B' : 'A') + n.substring(i + 1);
      NonceService.Status status = nonces.check(changed).status();
      // The last character carries 2 padding bits; some of its changes decode to the same octets.
      assertTrue(status == NonceService.Status.FORGED || i == n.length() - 1, "position " + i);
    }
  }

  @Test
  void aProvenNonceChangedAnywhereIsStillForged() {
    String n = nonces.mint();
    assertEquals(NonceService.Status.FRESH, nonces.check(n).status(), "proven and remembered");
    for (int i = 0; i < n.length() - 1; i++) {
      char c = n.charAt(i);
      String changed = n.substring(0, i) + (c == 'A' ? 'B' : 'A') + n.substring(i + 1);
      assertEquals(NonceService.Status.FORGED, nonces.check(changed).status(), "position " + i);
    }
    assertEquals(NonceService.Status.FRESH, nonces.check(n).status());
  }

  @Test
  void pastTheBoundOfProvenNoncesEveryNonceIsJudgedAsBefore() {
    String first = nonces.mint();
    nonces.check(first);
    for (int i = 0; i < NonceService.PROVEN_MAX + 10; i++) {
      assertEquals(NonceService.Status.FRESH, nonces.check(nonces.mint()).status());
    }
    assertEquals(NonceService.Status.FRESH, nonces.check(first).status(), "its MAC checked again");
    clock.advance(Duration.ofSeconds(301));
    assertEquals(NonceService.Status.EXPIRED, nonces.check(first).status());
    String other = new NonceService(key, 8, Duration.ofSeconds(300), clock, RANDOM).mint();
    assertEquals(NonceService.Status.FORGOTTEN, nonces.check(other).status());
    assertEquals(NonceService.Status.FORGOTTEN, nonces.check(other).status(), "never remembered");
  }

  @Test
  void aNonceFromAnotherKeyOrGarbageIsForged() {
    byte[] otherKey = key.clone();
    otherKey[0] ^= 1;
    String foreign = new NonceService(otherKey, 7, Duration.ofSeconds(300), clock, RANDOM).mint();
    assertEquals(NonceService.Status.FORGED, nonces.check(foreign).status());
    assertEquals(
        NonceService.Status.FORGED, nonces.check("dcd98b7102dd2f0e8b11d0f600bfb0c093").status());
    assertEquals(NonceService.Status.FORGED, nonces.check("").status());
    assertEquals(NonceService.Status.FORGED, nonces.check("!".repeat(54)).status());
    assertEquals(NonceService.Status.FORGED, nonces.check("A".repeat(54)).status());
  }

  @Test
  void aNonceOfAnotherEpochIsForgottenNotForged() {
    // The same key, another life of the state store (a host restarted with an in-memory store):
    // the MAC is right, the counts are unknown.
    String before = new NonceService(key, 6, Duration.ofSeconds(300), clock, RANDOM).mint();
    assertEquals(NonceService.Status.FORGOTTEN, nonces.check(before).status());
    assertEquals(NonceService.Status.FRESH, nonces.check(nonces.mint()).status());
  }

  @Test
  void everyNonceIsDifferent() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertTrue(seen.add(nonces.mint()));
    }
  }

  @Test
  void opaqueFollowsTheKey() {
    assertEquals(
        nonces.opaque(),
        new NonceService(key.clone(), 8, Duration.ofSeconds(1), clock, RANDOM).opaque());
    byte[] otherKey = key.clone();
    otherKey[31] ^= 1;
    assertNotEquals(
        nonces.opaque(),
        new NonceService(otherKey, 7, Duration.ofSeconds(1), clock, RANDOM).opaque());
  }

  @Test
  void theKeyFileIsMadeOnceOwnerOnlyAndKept(@TempDir Path folder) throws Exception {
    byte[] first = NonceKeyFile.loadOrCreate(folder, RANDOM);
    Path file = folder.resolve("nonce.key");
    assertEquals(32, Files.size(file));
    assertFalse(Arrays.equals(new byte[32], first));
    if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    assertArrayEquals(first, NonceKeyFile.loadOrCreate(folder, RANDOM), "kept across restarts");
    try (var files = Files.list(folder)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void aDamagedKeyFileIsReportedNotReplaced(@TempDir Path folder) throws Exception {
    Files.write(folder.resolve("nonce.key"), new byte[5]);
    String message =
        assertThrows(IOException.class, () -> NonceKeyFile.loadOrCreate(folder, RANDOM))
            .getMessage();
    assertTrue(
        message.endsWith(
            "nonce.key holds 5 bytes instead of 32: it is damaged; delete it to have a new key"
                + " made (clients then get stale=true once)"),
        message);
    assertEquals(5, Files.size(folder.resolve("nonce.key")));
  }
}
