package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.authhost.api.UserContext;
import org.authhost.host.config.SlowChecksConfig;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.tokens.AccountLockouts;
import org.authhost.host.tokens.LogonCaller;
import org.authhost.host.tokens.PasswordCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow-hash limits and single flight, with a slow hash that the test holds open: no sleeps, no
 * timing, every wait on a latch.
 */
class SlowCheckLimitsTest {
  @TempDir Path temp;

  final MutableClock clock = new MutableClock();
  AccountStore store;
  final ExecutorService threads = Executors.newCachedThreadPool();

  /** Opened by the test to let held Argon2 runs finish. */
  final CountDownLatch release = new CountDownLatch(1);

  /** Counted down by each Argon2 run as it starts. */
  CountDownLatch started = new CountDownLatch(1);

  @BeforeEach
  void setUp() throws Exception {
    store =
        new AccountStore(
            temp.resolve("accounts.json"), "authhost", temp, List.of("AuthHost"), clock);
    store.addUser("alice", "", List.of(), "alice-pw".toCharArray());
    store.addUser("bob", "", List.of(), "bob-pw".toCharArray());
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    threads.shutdownNow();
  }

  private PasswordVerifier verifier(SlowChecksConfig limits) {
    return new PasswordVerifier(
        store,
        clock,
        PasswordVerifier.DEFAULT_TTL,
        limits,
        (phc, password) -> {
          started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Secrets.verifyArgon2id(phc, password);
        },
        AccountLockouts.NONE);
  }

  private Future<PasswordCheck.Result> checkFrom(
      PasswordVerifier verifier, String address, String account, String password) {
    return threads.submit(
        () -> LogonCaller.during(user(address), () -> verifier.check(account, password)));
  }

  @Test
  void concurrentChecksOfOnePasswordShareOneArgon2Run() throws Exception {
    PasswordVerifier verifier = verifier(new SlowChecksConfig(1, 1, 0, 0));
    int n = 256;
    CountDownLatch joined = new CountDownLatch(n - 1);
    verifier.onJoin(joined::countDown);
    List<Future<PasswordCheck.Result>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(checkFrom(verifier, "192.0.2.1", "alice", "alice-pw"));
    }
    // Every check but the first has joined the run in progress, which is still held open.
    assertTrue(joined.await(30, TimeUnit.SECONDS));
    release.countDown();
    for (Future<PasswordCheck.Result> r : results) {
      assertEquals(PasswordCheck.Result.MATCH, r.get(30, TimeUnit.SECONDS));
    }
    assertEquals(1, verifier.argon2Runs());
    assertEquals(0, verifier.busyRefusals(), "no follower needed a slot of its own");
    assertEquals(PasswordCheck.Result.MATCH, verifier.check("alice", "alice-pw"));
    assertEquals(1, verifier.argon2Runs(), "and the success is remembered");
  }

  @Test
  void aSharedFailureIsNotRemembered() throws Exception {
    PasswordVerifier verifier = verifier(new SlowChecksConfig(2, 2, 0, 0));
    CountDownLatch joined = new CountDownLatch(3);
    verifier.onJoin(joined::countDown);
    List<Future<PasswordCheck.Result>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(checkFrom(verifier, "192.0.2.1", "alice", "wrong"));
    }
    assertTrue(joined.await(30, TimeUnit.SECONDS));
    release.countDown();
    for (Future<PasswordCheck.Result> r : results) {
      assertEquals(PasswordCheck.Result.MISMATCH, r.get(30, TimeUnit.SECONDS));
    }
    assertEquals(1, verifier.argon2Runs());
    assertEquals(PasswordCheck.Result.MISMATCH, verifier.check("alice", "wrong"));
    assertEquals(2, verifier.argon2Runs(), "a failure is hashed again next time");
  }

  @Test
  void pastTheServerWideLimitAndQueueACheckIsBusyNotWrong() throws Exception {
    PasswordVerifier verifier = verifier(new SlowChecksConfig(1, 0, 0, 0));
    Future<PasswordCheck.Result> first = checkFrom(verifier, "192.0.2.1", "alice", "alice-pw");
    assertTrue(started.await(30, TimeUnit.SECONDS));
    // Another address, another account: the only slot is taken and there is no queue.
    assertEquals(
        PasswordCheck.Result.BUSY,
        checkFrom(verifier, "198.51.100.1", "bob", "bob-pw").get(30, TimeUnit.SECONDS));
    assertEquals(1, verifier.busyRefusals());
    release.countDown();
    assertEquals(PasswordCheck.Result.MATCH, first.get(30, TimeUnit.SECONDS));
    assertEquals(PasswordCheck.Result.MATCH, verifier.check("bob", "bob-pw"));
  }

  @Test
  void oneAddressCannotTakeEverySlot() throws Exception {
    PasswordVerifier verifier = verifier(new SlowChecksConfig(4, 1, 0, 0));
    Future<PasswordCheck.Result> first = checkFrom(verifier, "2001:db8::1", "alice", "alice-pw");
    assertTrue(started.await(30, TimeUnit.SECONDS));
    assertEquals(
        PasswordCheck.Result.BUSY,
        checkFrom(verifier, "2001:db8::1", "bob", "bob-pw").get(30, TimeUnit.SECONDS),
        "the address has its one slot in use");
    started = new CountDownLatch(1);
    Future<PasswordCheck.Result> other = checkFrom(verifier, "2001:db8::2", "bob", "bob-pw");
    assertTrue(started.await(30, TimeUnit.SECONDS), "another address gets a slot at once");
    release.countDown();
    assertEquals(PasswordCheck.Result.MATCH, first.get(30, TimeUnit.SECONDS));
    assertEquals(PasswordCheck.Result.MATCH, other.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aQueuedCheckRunsWhenASlotFrees() throws Exception {
    PasswordVerifier verifier = verifier(new SlowChecksConfig(1, 0, 1, 600_000));
    Future<PasswordCheck.Result> first = checkFrom(verifier, "192.0.2.1", "alice", "alice-pw");
    assertTrue(started.await(30, TimeUnit.SECONDS));
    Future<PasswordCheck.Result> queued = checkFrom(verifier, "192.0.2.1", "bob", "bob-pw");
    while (verifier.waitingForSlot() == 0) {
      Thread.onSpinWait();
    }
    // The queue holds one: a third check is refused at once.
    assertEquals(
        PasswordCheck.Result.BUSY,
        checkFrom(verifier, "192.0.2.2", "bob", "other").get(30, TimeUnit.SECONDS));
    release.countDown();
    assertEquals(PasswordCheck.Result.MATCH, first.get(30, TimeUnit.SECONDS));
    assertEquals(PasswordCheck.Result.MATCH, queued.get(30, TimeUnit.SECONDS));
  }

  @Test
  void aRememberedPasswordNeverWaitsForTheLimiter() throws Exception {
    PasswordVerifier verifier =
        new PasswordVerifier(
            store,
            clock,
            PasswordVerifier.DEFAULT_TTL,
            new SlowChecksConfig(1, 1, 0, 0),
            (phc, password) -> {
              if (new String(password, java.nio.charset.StandardCharsets.UTF_8).equals("bob-pw")) {
                started.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return Secrets.verifyArgon2id(phc, password);
            },
            AccountLockouts.NONE);
    assertEquals(PasswordCheck.Result.MATCH, verifier.check("alice", "alice-pw"));
    // Bob's first check holds the only slot.
    Future<PasswordCheck.Result> hog = checkFrom(verifier, "192.0.2.1", "bob", "bob-pw");
    assertTrue(started.await(30, TimeUnit.SECONDS));
    assertEquals(
        PasswordCheck.Result.BUSY,
        checkFrom(verifier, "192.0.2.1", "alice", "wrong").get(30, TimeUnit.SECONDS),
        "a slow check is refused");
    assertEquals(
        PasswordCheck.Result.MATCH,
        checkFrom(verifier, "192.0.2.1", "alice", "alice-pw").get(30, TimeUnit.SECONDS),
        "the remembered password is not");
    assertEquals(1, verifier.busyRefusals());
    release.countDown();
    assertEquals(PasswordCheck.Result.MATCH, hog.get(30, TimeUnit.SECONDS));
  }

  @Test
  void theWaitNeverOutlastsHalfAPluginCall() throws Exception {
    Path config = temp.resolve("cfg");
    java.nio.file.Files.createDirectories(config);
    java.nio.file.Files.writeString(
        config.resolve("host.json"),
        """
        { "plugins": { "callTimeoutMillis": 800 },
          "security": { "slowChecks": { "queueWaitMillis": 5000 } } }
        """);
    assertEquals(
        400,
        PasswordVerifier.limits(org.authhost.host.config.ConfigLoader.load(config))
            .queueWaitMillis());
  }

  private static UserContext user(String address) {
    return new UserContext() {
      @Override
      public Optional<String> userAgent() {
        return Optional.empty();
      }

      @Override
      public Optional<String> userName() {
        return Optional.empty();
      }

      @Override
      public void setUserName(String userName) {}

      @Override
      public String ipAddress() {
        return address;
      }

      @Override
      public int port() {
        return 0;
      }

      @Override
      public String controlProtocol() {
        return "HTTP";
      }

      @Override
      public long connectionId() {
        return 0;
      }
    };
  }
}
