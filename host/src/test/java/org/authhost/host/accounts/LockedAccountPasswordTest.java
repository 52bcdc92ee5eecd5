package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.tokens.PasswordCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A locked account is answered 429 whether its password was right or wrong; the password check must
 * not tell them apart by its time either (trial attack16: a remembered right Basic password
 * answered in 1 ms where a wrong one took an Argon2 run, 27 ms, behind the same 429). So a locked
 * name is refused before the store is read: no Argon2 run and no remembered success, for a real
 * account and an invented name alike.
 */
class LockedAccountPasswordTest {
  @TempDir Path dir;

  @Test
  void aLockedAccountsPasswordIsNeitherCheckedNorAnsweredFromMemoryRightOrWrong() throws Exception {
    Files.writeString(
        dir.resolve("host.json"),
        """
        { "serverName": "t", "dataDirectory": "var",
          "security": { "lockout": { "threshold": 3, "addressThreshold": 0,
            "windowSeconds": 60, "durationSeconds": 600 } } }
        """);
    MutableClock clock = new MutableClock();
    Injector services = AuthHost.services(ConfigLoader.load(dir), FakeTime.of(clock));
    AccountStore store = services.getInstance(AccountStore.class);
    store.addUser("alice", "", List.of(), "alice-pw".toCharArray());
    store.setPassword("Administrator", "admin-pw".toCharArray());
    PasswordVerifier verifier = services.getInstance(PasswordVerifier.class);
    LogonThrottle throttle = services.getInstance(LogonThrottle.class);

    assertEquals(PasswordCheck.Result.MATCH, verifier.check("alice", "alice-pw"));
    assertEquals(1, verifier.argon2Runs(), "the right password is remembered");

    // As the driver counts them: the account's qualified name, lower-cased.
    for (int i = 0; i < 3; i++) {
      throttle.failed("192.0.2.1", throttle.accountName("alice")).join();
      throttle.failed("192.0.2.1", "mallory").join();
    }
    // Every spelling the store folds to alice, a dotless i among them (upper-cased, it is I).
    for (String written :
        List.of("alice", "T\\alice", "ALICE", "alice@t", " alice ", "al\u0131ce")) {
      assertTrue(throttle.accountLockedOut(written), written);
      assertEquals(PasswordCheck.Result.MISMATCH, verifier.check(written, "alice-pw"), written);
      assertEquals(PasswordCheck.Result.MISMATCH, verifier.check(written, "wrong"), written);
    }
    assertEquals(PasswordCheck.Result.MISMATCH, verifier.check("mallory", "anything"));
    assertEquals(
        1,
        verifier.argon2Runs(),
        "locked: no Argon2 run for the right password, a wrong one or an invented name, and the"
            + " remembered success was not read");
    assertFalse(throttle.accountLockedOut("bob"), "only the locked names");

    // Failures written in another domain count on that name; none locks the built-in
    // Administrator, which is never locked by account, so that nobody can lock the operator out.
    for (int i = 0; i < 3; i++) {
      throttle.failed("192.0.2." + (10 + i), throttle.accountName("OTHER\\Administrator")).join();
    }
    assertFalse(throttle.accountLockedOut("Administrator"));
    assertEquals(PasswordCheck.Result.MATCH, verifier.check("Administrator", "admin-pw"));

    clock.advance(Duration.ofSeconds(601));
    assertFalse(throttle.accountLockedOut("alice"));
    assertEquals(PasswordCheck.Result.MATCH, verifier.check("alice", "alice-pw"));
    assertEquals(3, verifier.argon2Runs(), "checked again once the lockout ended");
  }
}
