package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.tokens.PasswordCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordVerifierTest {
  @TempDir Path temp;

  final MutableClock clock = new MutableClock();
  AccountStore store;
  PasswordVerifier verifier;

  @BeforeEach
  void setUp() throws Exception {
    store =
        new AccountStore(
            temp.resolve("accounts.json"), "authhost", temp, List.of("AuthHost"), clock);
    store.addUser("alice", "", List.of(), "alice-pw".toCharArray());
    verifier = new PasswordVerifier(store, clock);
  }

  @Test
  void aSecondVerifyWithinTheTtlDoesNotRunArgon2() {
    assertTrue(verifier.verify("alice", "alice-pw"));
    assertEquals(1, verifier.argon2Runs());
    clock.advance(Duration.ofSeconds(59));
    assertTrue(verifier.verify("ALICE", "alice-pw"));
    assertTrue(verifier.verify("AUTHHOST\\alice", "alice-pw".toCharArray()));
    assertEquals(1, verifier.argon2Runs(), "served from the cache");

    // Use slides the expiry: a busy client never misses, so busy clients never all miss at once.
    clock.advance(Duration.ofSeconds(59));
    assertTrue(verifier.verify("alice", "alice-pw"));
    assertEquals(1, verifier.argon2Runs(), "kept while in use");

    clock.advance(Duration.ofSeconds(61));
    assertTrue(verifier.verify("alice", "alice-pw"));
    assertEquals(2, verifier.argon2Runs(), "re-verified once it sat unused past the TTL");
  }

  @Test
  void aPasswordInConstantUseIsStillRecheckedAfterTenTimesTheTtl() {
    assertTrue(verifier.verify("alice", "alice-pw"));
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(30));
      assertTrue(verifier.verify("alice", "alice-pw"));
    }
    assertEquals(1, verifier.argon2Runs(), "600 s of use");
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(30));
      assertTrue(verifier.verify("alice", "alice-pw"));
    }
    assertEquals(2, verifier.argon2Runs(), "re-checked once the cap was passed");
  }

  @Test
  void itIsTheHostsPasswordCheck() {
    PasswordCheck check = verifier;
    assertTrue(check.verify(".\\alice", "alice-pw"));
    assertFalse(check.verify("alice", "nope"));
  }

  @Test
  void wrongPasswordsAreNeverCachedAndAlwaysFail() {
    assertTrue(verifier.verify("alice", "alice-pw"));
    assertFalse(verifier.verify("alice", "alice-PW"));
    assertFalse(verifier.verify("alice", "alice-PW"));
    assertEquals(3, verifier.argon2Runs());
    assertEquals(1, verifier.cached());
  }

  @Test
  void afterPasswdTheOldPasswordFailsAtOnce() throws Exception {
    assertTrue(verifier.verify("alice", "alice-pw"));
    store.setPassword(
        "alice", "new-pw".toCharArray()); // same clock instant: the hash, not the time, tells
    assertFalse(verifier.verify("alice", "alice-pw"));
    assertTrue(verifier.verify("alice", "new-pw"));
    long runs = verifier.argon2Runs();
    assertTrue(verifier.verify("alice", "new-pw"));
    assertEquals(runs, verifier.argon2Runs());
  }

  @Test
  void disablingDropsTheCachedSuccess() throws Exception {
    assertTrue(verifier.verify("alice", "alice-pw"));
    store.disable("alice");
    assertFalse(verifier.verify("alice", "alice-pw"));
    assertEquals(0, verifier.cached());
    store.enable("alice");
    long runs = verifier.argon2Runs();
    assertTrue(verifier.verify("alice", "alice-pw"));
    assertEquals(runs + 1, verifier.argon2Runs(), "verified afresh after the account was disabled");
  }

  @Test
  void unknownPasswordlessAndGuestAccountsFail() throws Exception {
    store.addUser("nopw", "", List.of(), null);
    assertFalse(verifier.verify("nobody", "x"));
    assertFalse(verifier.verify("nopw", ""));
    assertFalse(verifier.verify("nopw", "x"));
    assertFalse(verifier.verify("Guest", ""));
    assertFalse(verifier.verify("Guest", "x"));
    assertFalse(verifier.verify("OTHER\\alice", "alice-pw"));
    assertFalse(verifier.verify(null, "x"));
    assertFalse(verifier.verify("alice", (String) null));
    assertFalse(verifier.verify("alice", "\uD800"));
    assertEquals(
        6, verifier.argon2Runs(), "failures cost an Argon2 run whether or not the account exists");
  }

  @Test
  void aRememberedPasswordIsCheckedWithoutArgon2() {
    assertTrue(verifier.verify("alice", "alice-pw"));
    for (int i = 0; i < 1000; i++) {
      assertTrue(verifier.verify("alice", "alice-pw"));
    }
    assertEquals(1, verifier.argon2Runs(), "only the first check hashed");
  }
}
