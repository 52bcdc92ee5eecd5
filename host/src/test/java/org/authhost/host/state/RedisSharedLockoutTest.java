package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.admin.AdminClient;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.RedisServer;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts on one Redis count failed logons together: five wrong passwords split between them lock
 * the account on both; the operator's unlock on one lifts it on both; and with Redis gone each host
 * counts alone, with a WARNING, rather than stop counting.
 */
class RedisSharedLockoutTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path root;

  private RedisServer redis;
  private final List<AuthHost> hosts = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AuthHost h : hosts) {
      h.stop();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private AuthHost start(String name) throws Exception {
    AuthHost h =
        TestHosts.startServing(
            root.resolve(name),
            "authhost-plugin-digest.jar",
            "hello\n",
            DigestHostJson.of(
                "SHA-256,MD5",
                "\"security\": { \"lockout\": { \"threshold\": 5, \"addressThreshold\": 0 } }",
                DigestHostJson.redisState(redis.uri())));
    hosts.add(h);
    return h;
  }

  /** One request with a fresh nonce: the status of the answer to the credentials. */
  private static int logOn(AuthHost host, String credentials) throws Exception {
    try (RedisOutageTest.Connection c = new RedisOutageTest.Connection(host.http().plainPort())) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), credentials);
      return c.send(client.next("/d/hello.txt")).status();
    }
  }

  private static JsonNode lockouts(AuthHost host) throws Exception {
    return AdminClient.connect(host.config().dataDirectory(), host.config().configDirectory())
        .get("/lockouts");
  }

  /** Waits for the lockout published by another host to reach {@code host}: a real event. */
  private static void awaitLockouts(AuthHost host, int count) throws Exception {
    long end = System.nanoTime() + BOUND.toNanos();
    while (lockouts(host).size() != count) {
      if (System.nanoTime() > end) {
        throw new AssertionError("lockouts on the host: " + lockouts(host));
      }
      Thread.sleep(10);
    }
  }

  @Test
  void fiveWrongPasswordsSplitBetweenTwoHostsLockTheAccountOnBoth() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    AuthHost a = start("a");
    AuthHost b = start("b");
    // A success clears the shared count (a round trip only because failures were counted).
    assertEquals(401, logOn(a, "alice:wrong-a"));
    assertEquals(401, logOn(a, "alice:wrong-b"));
    assertEquals(200, logOn(a, "alice:pw-alice"));
    assertEquals(401, logOn(a, "alice:wrong1"));
    assertEquals(401, logOn(b, "alice:wrong2"));
    assertEquals(401, logOn(a, "alice:wrong3"));
    assertEquals(401, logOn(b, "alice:wrong4"));
    assertEquals(0, lockouts(a).size(), "four failures since the success: not yet");
    assertEquals(401, logOn(a, "alice:wrong5"));
    assertEquals(1, lockouts(a).size(), "the host of the fifth knows at once");
    awaitLockouts(b, 1);
    assertEquals(429, logOn(a, "alice:pw-alice"), "locked on A");
    assertEquals(429, logOn(b, "alice:pw-alice"), "and on B, where only two failed");
    assertTrue(redis.call("KEYS", "authhost:lockout/lock/*").contains("alice"));

    // A host that starts later learns the lockouts in force when it connects.
    AuthHost c = start("c");
    awaitLockouts(c, 1);
    assertEquals(429, logOn(c, "alice:pw-alice"));

    // The operator's unlock on one host lifts it on all.
    AdminClient.connect(b.config().dataDirectory(), b.config().configDirectory())
        .post("/lockouts/account/alice/unlock");
    awaitLockouts(a, 0);
    awaitLockouts(c, 0);
    assertEquals(200, logOn(a, "alice:pw-alice"));
    assertEquals(200, logOn(c, "alice:pw-alice"));
  }

  /**
   * A lockout in Redis that no message brought to a host (lost with its subscriptions' connection):
   * here written straight into Redis, as the script does, without the PUBLISH.
   */
  private void lockSilently(String key) throws Exception {
    long until = System.currentTimeMillis() + 600_000;
    redis.call("SET", "authhost:lockout/lock/" + key, "1", "PX", "600000");
    redis.call("ZADD", "authhost:lockout/in-force", Long.toString(until), key);
  }

  @Test
  void aHostThatMissedTheLockMessageLocksWhenRedisAnswersAlreadyLocked() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    AuthHost b = start("b");
    lockSilently("account:alice");
    assertEquals(0, lockouts(b).size(), "no message: B has not heard");
    assertEquals(
        429,
        logOn(b, "alice:wrong"),
        "Redis answers: locked already; the answer of a lockout known here, at once");
    assertEquals(1, lockouts(b).size(), "B holds the lockout from that answer");
    assertEquals(429, logOn(b, "alice:pw-alice"), "the right password no longer gets through");
  }

  @Test
  void aHostWhoseSubscriptionsWereCutReadsTheLockoutsInForceWhenTheyComeBack() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    AuthHost a = start("a");
    AuthHost b = start("b");
    assertEquals(200, logOn(b, "alice:pw-alice"));
    lockSilently("account:alice");
    // Redis drops the subscribers' connections (an output buffer over its limit, a blip): the
    // lock message went nowhere, and Lettuce reconnects them on its own.
    redis.call("CLIENT", "KILL", "TYPE", "pubsub");
    awaitLockouts(a, 1);
    awaitLockouts(b, 1);
    assertEquals(429, logOn(b, "alice:pw-alice"), "the right password on B meets the lockout");
  }

  @Test
  void anInventedLongNameCostsABoundedKeyAndLockoutsOverArePruned() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    AuthHost a = start("a");
    redis.call("ZADD", "authhost:lockout/in-force", "1", "account:long-over");
    String name = "x".repeat(3000);
    for (int i = 1; i <= 5; i++) {
      assertEquals(401, logOn(a, name + ":wrong" + i));
    }
    String keys = redis.call("KEYS", "authhost:lockout/*");
    assertTrue(keys.contains("authhost:lockout/lock/account:#"), keys);
    assertTrue(keys.length() < 1000, "no key holds the client's 3,000 characters: " + keys);
    assertEquals(
        "1",
        redis.call("ZCARD", "authhost:lockout/in-force"),
        "the lockout that began is in force; the one over was dropped as it began");
    assertEquals(429, logOn(a, name + ":wrong6"), "the long name is locked out all the same");
  }

  @Test
  void withRedisGoneEachHostCountsAloneWithAWarning() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    AuthHost a = start("a");
    redis.stop();
    for (int i = 1; i <= 4; i++) {
      assertEquals(401, logOn(a, "alice:wrong" + i));
    }
    assertEquals(0, lockouts(a).size());
    assertEquals(401, logOn(a, "alice:wrong5"));
    assertEquals(1, lockouts(a).size(), "counted here: the outage does not stop lockouts");
    // A wrong password now: Digest with the right one would fail closed (503) before the
    // account's lock is looked at, since its nonce count cannot be recorded.
    assertEquals(429, logOn(a, "alice:wrong6"), "the account is locked on this host");
    assertEquals(
        1,
        a.eventLog().query(EventQuery.all().withSource(HostEvents.HOST)).stream()
            .filter(e -> e.level() == EventLevel.WARNING && e.text().contains("memory only"))
            .count());
  }
}
