package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.config.RedisConfig;
import org.authhost.host.state.RedisLink;
import org.authhost.host.state.RedisOutage;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator's unlock against a late "locked already": host B counts a failure of a locked
 * account, Redis answers "locked already", the operator's unlock (on host A) reaches B's messages
 * first, and only then B reads its answer. Applied, it would lock the account again on B alone for
 * the whole duration; it is not.
 */
class SharedLockoutsOrderTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  private static final String KEY = "account:alice";
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final Duration DURATION = Duration.ofMinutes(10);

  private final MutableClock clock = new MutableClock();
  private RedisLink linkA;
  private RedisLink linkB;
  private SharedLockouts a;
  private SharedLockouts b;
  private final Map<String, Duration> lockedOnB = new ConcurrentHashMap<>();
  private final CountDownLatch unlockedOnB = new CountDownLatch(1);
  private final CountDownLatch subscribed = new CountDownLatch(1);

  private static RedisLink link() {
    RedisLink link =
        new RedisLink(
            new RedisConfig(
                REDIS.server().uri(),
                null,
                null,
                "order:",
                Duration.ofMillis(2000),
                Duration.ofMillis(5000)),
            new RedisOutage((level, code, text) -> {}, "test"));
    link.connect();
    return link;
  }

  @BeforeEach
  void connect() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    linkA = link();
    linkB = link();
    a = new SharedLockouts(linkA, clock);
    b = new SharedLockouts(linkB, clock);
    a.listen((k, left) -> {}, k -> {});
    b.listen(
        (k, left) -> {
          if (k.equals("probe")) {
            subscribed.countDown();
          } else {
            lockedOnB.put(k, left);
          }
        },
        k -> {
          if (k.equals(KEY)) {
            unlockedOnB.countDown();
          }
        });
    // B's subscription is in place once a lock message reaches it.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!subscribed.await(50, TimeUnit.MILLISECONDS) && System.nanoTime() < end) {
      a.failed("probe", 1, WINDOW, DURATION).get(10, TimeUnit.SECONDS);
      a.unlock("probe");
    }
    assertEquals(0, subscribed.getCount(), "B's subscription answers");
  }

  @AfterEach
  void close() {
    linkA.close();
    linkB.close();
  }

  /** A lockout in Redis whose message B did not get (as the script writes it, without PUBLISH). */
  private void lockSilently() throws Exception {
    REDIS.server().call("SET", "order:lockout/lock/" + KEY, "1", "PX", "600000");
  }

  @Test
  void aLockedAlreadyAnswerReadAfterTheOperatorsUnlockDoesNotLockAgainOnThatHost()
      throws Exception {
    lockSilently();
    long sentAfter = b.unlocksHeard(); // B sends its count now
    List<Long> answer = List.of(0L, 590_000L); // Redis: locked already, 590 s left
    a.unlock(KEY); // the operator, on A
    assertTrue(unlockedOnB.await(10, TimeUnit.SECONDS), "B hears the unlock");
    assertEquals(Optional.empty(), b.answered(KEY, answer, WINDOW, sentAfter));
    assertEquals(Map.of(), lockedOnB, "the unlock holds on B");

    // A count sent after the unlock that meets a lockout (begun again meanwhile) applies it.
    lockSilently();
    assertEquals(Optional.empty(), b.failed(KEY, 5, WINDOW, DURATION).get(10, TimeUnit.SECONDS));
    assertTrue(lockedOnB.containsKey(KEY), "a later answer is applied as ever");
  }

  @Test
  void aLockoutBegunByACountWhoseAnswerIsReadAfterAnUnlockIsNotAppliedOnThatHost()
      throws Exception {
    long sentAfter = b.unlocksHeard(); // B sends the count that begins the lockout
    List<Long> began = List.of(1L, 600_000L); // Redis: this count began it, 600 s
    a.unlock(KEY); // the operator, on A, before B reads its answer
    assertTrue(unlockedOnB.await(10, TimeUnit.SECONDS), "B hears the unlock");
    assertEquals(Optional.empty(), b.answered(KEY, began, WINDOW, sentAfter));

    // The same answer to a count sent after the unlock begins the lockout as ever.
    assertEquals(
        Optional.of(Duration.ofMillis(600_000L)), b.answered(KEY, began, WINDOW, b.unlocksHeard()));
  }
}
