package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
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
 * The keys with counted failures a host remembers are bounded; a flood of invented names makes it
 * forget real ones. A real user's success must still clear the count its earlier failures left in
 * Redis: otherwise those stay, and fewer wrong passwords than the threshold lock the account.
 */
class SharedLockoutsEvictionTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final Duration DURATION = Duration.ofMinutes(10);
  private static final int REMEMBERED = 16;

  private final MutableClock clock = new MutableClock();
  private RedisLink link;
  private SharedLockouts lockouts;

  @BeforeEach
  void connect() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    link =
        new RedisLink(
            new RedisConfig(
                REDIS.server().uri(),
                null,
                null,
                "evict:",
                Duration.ofMillis(2000),
                Duration.ofMillis(5000)),
            new RedisOutage((level, code, text) -> {}, "test"));
    link.connect();
    lockouts = new SharedLockouts(link, clock, REMEMBERED);
    lockouts.listen((k, left) -> {}, k -> {});
  }

  @AfterEach
  void close() {
    link.close();
  }

  private void fail(String key) throws Exception {
    lockouts.failed(key, 5, WINDOW, DURATION).get(10, TimeUnit.SECONDS);
  }

  /** Whether Redis holds a count for {@code key}, asked on the link's connection (in order). */
  private long countExists(String key) throws Exception {
    return link.<Long>send(r -> r.exists(link.key("lockout/count/" + key)))
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRealUsersSuccessClearsItsCountAfterAFloodOfInventedNamesMadeTheHostForgetIt()
      throws Exception {
    for (int i = 0; i < 10 * REMEMBERED; i++) {
      fail("account:invented" + i);
    }
    fail("account:alice"); // a real user's wrong password, among the flood
    for (int i = 10 * REMEMBERED; i < 20 * REMEMBERED; i++) {
      fail("account:invented" + i);
    }
    assertEquals(1, countExists("account:alice"), "alice's failure is counted in Redis");

    lockouts.succeeded("account:alice"); // her right password
    assertEquals(0, countExists("account:alice"), "her success cleared her shared count");

    // One window after the flood's counts have ended, a success of a name with no known count
    // costs no round trip again (the common logon).
    clock.advance(WINDOW.plusSeconds(1));
    REDIS.server().call("SET", "evict:lockout/count/account:bob", "1", "PX", "600000");
    lockouts.succeeded("account:bob");
    assertEquals(1, countExists("account:bob"), "no DEL without a reason for one");
  }
}
