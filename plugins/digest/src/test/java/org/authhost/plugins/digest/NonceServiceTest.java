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
  private final NonceService nonces = new NonceService(key, Duration.ofSeconds(300), clock, RANDOM);

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return key;
  }

  @Test
  void aNonceIsFreshUntilItsLifetimeEnds() {
    NonceService.Minted n = nonces.mint();
    assertEquals(54, n.value().length());
    assertTrue(
        n.value().matches("[A-Za-z0-9_-]+"), "base64url: safe inside a quoted-string and a URL");
    NonceService.Check check = nonces.check(n.value());
    assertEquals(NonceService.Status.FRESH, check.status());
    assertEquals(n.id(), check.id());
    assertFalse(nonces.wantsNext(check));

    clock.advance(Duration.ofSeconds(151));
    assertTrue(
        nonces.wantsNext(nonces.check(n.value())), "past half its lifetime: send a nextnonce");
    clock.advance(Duration.ofSeconds(149));
    assertEquals(NonceService.Status.FRESH, nonces.check(n.value()).status(), "300 s exactly");
    clock.advance(Duration.ofMillis(1));
    assertEquals(NonceService.Status.EXPIRED, nonces.check(n.value()).status());
  }

  @Test
  void aNonceFromTheFutureBeyondItsLifetimeIsExpired() {
    clock.advance(Duration.ofSeconds(301));
    String n = nonces.mint().value();
    clock.advance(Duration.ofSeconds(-601)); // the clock was set back
    assertEquals(NonceService.Status.EXPIRED, nonces.check(n).status());
  }

  @Test
  void anyChangeBreaksTheMac() {
    String n = nonces.mint().value();
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      String changed = n.substring(0, i) + (c == 'A' ? 'B' : 'A') + n.substring(i + 1);
      NonceService.Status status = nonces.check(changed).status();
      // The last character carries 2 padding bits; some of its changes decode to the same octets.
      assertTrue(status == NonceService.Status.FORGED || i == n.length() - 1, "position " + i);
    }
  }

  @Test
  void aNonceFromAnotherKeyOrGarbageIsForged() {
    byte[] otherKey = key.clone();
    otherKey[0] ^= 1;
    String foreign =
        new NonceService(otherKey, Duration.ofSeconds(300), clock, RANDOM).mint().value();
    assertEquals(NonceService.Status.FORGED, nonces.check(foreign).status());
    assertEquals(
        NonceService.Status.FORGED, nonces.check("dcd98b7102dd2f0e8b11d0f600bfb0c093").status());
    assertEquals(NonceService.Status.FORGED, nonces.check("").status());
    assertEquals(NonceService.Status.FORGED, nonces.check("!".repeat(54)).status());
    assertEquals(NonceService.Status.FORGED, nonces.check("A".repeat(54)).status());
  }

  @Test
  void aNonceTheCacheVouchesForSkipsTheMacForItsExactOctetsOnly() {
    // A nonce under another key: only the skipped MAC can let it through.
    byte[] otherKey = key.clone();
    otherKey[0] ^= 1;
    NonceService.Minted foreign =
        new NonceService(otherKey, Duration.ofSeconds(300), clock, RANDOM).mint();
    NonceService.Check vouched = nonces.check(foreign.value(), id -> id.equals(foreign.id()));
    assertEquals(NonceService.Status.FRESH, vouched.status(), "the MAC is not computed again");
    assertEquals(foreign.id(), vouched.id());
    clock.advance(Duration.ofSeconds(301));
    assertEquals(
        NonceService.Status.EXPIRED,
        nonces.check(foreign.value(), id -> id.equals(foreign.id())).status(),
        "the lifetime still counts");

    // Every changed octet makes another id, so the MAC is checked and fails.
    NonceService.Minted mine = nonces.mint();
    String n = mine.value();
    for (int i = 0; i < n.length() - 1; i++) { // the last character carries padding bits
      char c = n.charAt(i);
      String changed = n.substring(0, i) + (c == 'A' ? 'B' : 'A') + n.substring(i + 1);
      assertEquals(
          NonceService.Status.FORGED,
          nonces.check(changed, id -> id.equals(mine.id())).status(),
          "position " + i);
    }
  }

  @Test
  void everyNonceIsDifferent() {
    Set<String> seen = new HashSet<>();
    Set<NonceService.Id> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      NonceService.Minted n = nonces.mint();
      assertTrue(seen.add(n.value()));
      assertTrue(ids.add(n.id()));
    }
  }

  @Test
  void opaqueFollowsTheKey() {
    assertEquals(
        nonces.opaque(),
        new NonceService(key.clone(), Duration.ofSeconds(1), clock, RANDOM).opaque());
    byte[] otherKey = key.clone();
    otherKey[31] ^= 1;
    assertNotEquals(
        nonces.opaque(), new NonceService(otherKey, Duration.ofSeconds(1), clock, RANDOM).opaque());
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
