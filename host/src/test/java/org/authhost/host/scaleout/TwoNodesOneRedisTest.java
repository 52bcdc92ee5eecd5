package org.authhost.host.scaleout;

import static org.authhost.host.scaleout.NodeFolders.BASIC_PATH;
import static org.authhost.host.scaleout.NodeFolders.DIGEST_PATH;
import static org.authhost.host.scaleout.NodeRequests.basic;
import static org.authhost.host.scaleout.NodeRequests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.testing.HostProcess;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.RedisServer;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: two host processes, each with its own configuration and data folder, one real Redis
 * ({@code state.redis}), one account file: a client may go to either node with every request and
 * the two behave as one host.
 */
class TwoNodesOneRedisTest {
  @TempDir static Path root;

  static RedisServer redis;
  static HostProcess a;
  static HostProcess b;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    String state = redisState(redis);
    Path configA = NodeFolders.write(root, "A", state);
    Path configB = NodeFolders.write(root, "B", state);
    TestHosts.addAccount(configA, "alice", "pw-alice");
    TestHosts.addAccount(configA, "bob", "pw-bob");
    TestHosts.addAccount(configA, "carol", "old-carol");
    a = HostProcess.start("A", configA);
    b = HostProcess.start("B", configB);
  }

  /** The {@code state} object of a node on {@code redis}. */
  static String redisState(RedisServer redis) {
    return "{ \"redis\": { \"uri\": \"" + redis.uri() + "\", \"keyPrefix\": \"it:\" } }";
  }

  @AfterAll
  static void stop() throws Exception {
    try (RedisServer server = redis;
        HostProcess first = a;
        HostProcess second = b) {
      // Each stopped by its process id, whatever happened.
    }
  }

  @Test
  void aNonceOfAIsGoodOnBOnceAndIncreasingCountsMayAlternate() throws Exception {
    LoadTool.DigestClient client = NodeRequests.digestClient(a.port(), "alice", "pw-alice");

    String first = client.next(DIGEST_PATH);
    Response atB = get(b.port(), DIGEST_PATH, first);
    assertEquals(200, atB.status(), "B accepts the nonce A issued: " + atB.headers());
    assertEquals(NodeFolders.BODY, atB.bodyText());

    Response replay = get(a.port(), DIGEST_PATH, first);
    assertEquals(401, replay.status(), "the same nc again, now on A, is a replay");
    assertFalse(
        NodeRequests.stale(replay), "refused as a replay, not as stale: " + replay.headers());

    for (int i = 0; i < 8; i++) {
      HostProcess node = i % 2 == 0 ? a : b;
      Response r = get(node.port(), DIGEST_PATH, client.next(DIGEST_PATH));
      assertEquals(200, r.status(), "nc " + (i + 2) + " on " + node.name());
    }
    assertEquals(401, get(b.port(), DIGEST_PATH, first).status(), "and a replay on B as well");
  }

  @Test
  void fiveWrongPasswordsSplitBetweenTheNodesLockTheAccountOnBoth() throws Exception {
    for (int i = 0; i < 5; i++) {
      HostProcess node = i < 3 ? a : b;
      LoadTool.DigestClient wrong = NodeRequests.digestClient(node.port(), "bob", "not-bobs");
      Response r = get(node.port(), DIGEST_PATH, wrong.next(DIGEST_PATH));
      assertEquals(401, r.status(), "wrong password " + (i + 1) + " on " + node.name());
    }

    // B counted the fifth failure and knows at once; A learns it from Redis's message, which
    // travels on its own connection: a node answers "is this locked?" from its memory (no round
    // trip per logon), so the test waits, bounded, for the word to reach A.
    for (HostProcess node : List.of(b, a)) {
      Response locked = lockedOrLast(node);
      assertEquals(429, locked.status(), "bob is locked out on " + node.name());
      assertFalse(locked.values("Retry-After").isEmpty(), locked.headers().toString());
      assertEquals(
          429,
          get(node.port(), BASIC_PATH, basic("bob", "pw-bob")).status(),
          "whichever protocol: the lockout is the account's, on " + node.name());
    }
    // alice is not touched by bob's lockout, on either node.
    assertEquals(200, get(b.port(), BASIC_PATH, basic("alice", "pw-alice")).status());

    // The operator lifts it on A (its admin endpoint): B lets bob in too, once the word is out.
    String unlocked =
        SharedAccountFileTest.cli("accounts", "unlock", "bob", "--config", a.config().toString());
    assertTrue(unlocked.contains("bob"), unlocked);
    long deadline = System.nanoTime() + SharedAccountFileTest.PASSWORD_CHANGE_BOUND.toNanos();
    int status;
    while ((status = get(b.port(), BASIC_PATH, basic("bob", "pw-bob")).status()) != 200
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    assertEquals(200, status, "bob is still locked out on B after the unlock on A");
    assertEquals(200, get(a.port(), BASIC_PATH, basic("bob", "pw-bob")).status());
  }

  @Test
  void aPasswordChangedThroughAsCommandLineStopsWorkingOnB() throws Exception {
    String old = basic("carol", "old-carol");
    assertEquals(200, get(b.port(), BASIC_PATH, old).status(), "B now remembers it");

    String changed = SharedAccountFileTest.passwd(a.config(), "carol", "new-carol");
    long changedAt = System.nanoTime();
    assertTrue(changed.contains("changed"), changed);

    long deadline = changedAt + SharedAccountFileTest.PASSWORD_CHANGE_BOUND.toNanos();
    int status;
    while ((status = get(b.port(), BASIC_PATH, old).status()) == 200
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    long tookMillis = (System.nanoTime() - changedAt) / 1_000_000;
    assertEquals(401, status, "the old password still works on B after " + tookMillis + " ms");
    assertEquals(200, get(b.port(), BASIC_PATH, basic("carol", "new-carol")).status());
    // A reads the file on its own poll, not when B does: it gets the same bound.
    while ((status = get(a.port(), BASIC_PATH, basic("carol", "new-carol")).status()) != 200
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    assertEquals(200, status, "the new password works on A within the bound too");
  }

  /** The first 429 for bob's right password on {@code node}, or the last answer at the bound. */
  private static Response lockedOrLast(HostProcess node) throws Exception {
    long deadline = System.nanoTime() + SharedAccountFileTest.PASSWORD_CHANGE_BOUND.toNanos();
    while (true) {
      LoadTool.DigestClient right = NodeRequests.digestClient(node.port(), "bob", "pw-bob");
      Response answer = get(node.port(), DIGEST_PATH, right.next(DIGEST_PATH));
      if (answer.status() == 429 || System.nanoTime() >= deadline) {
        return answer;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
