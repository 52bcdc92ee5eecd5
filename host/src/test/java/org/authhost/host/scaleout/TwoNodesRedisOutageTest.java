package org.authhost.host.scaleout;

import static org.authhost.host.scaleout.NodeFolders.BASIC_PATH;
import static org.authhost.host.scaleout.NodeFolders.DIGEST_PATH;
import static org.authhost.host.scaleout.NodeRequests.basic;
import static org.authhost.host.scaleout.NodeRequests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.api.EventLevel;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.HostProcess;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.RedisServer;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, failure: the Redis two host processes share is stopped mid-run and started again
 * (empty, as a Redis without persistence comes back). Digest, whose safety needs the shared {@code
 * nc} record, fails closed (503 with {@code Retry-After}, one ERROR event per node and outage,
 * never a replay accepted); password logons go on from each node's memory; when Redis is back,
 * service resumes by itself with an event, and nothing accepted before Redis came back empty is
 * accepted again.
 */
class TwoNodesRedisOutageTest {
  /** How long a node may take to notice Redis is back (reconnects are Lettuce's, with backoff). */
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

  @TempDir static Path root;

  static RedisServer redis;
  static HostProcess a;
  static HostProcess b;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    String state = TwoNodesOneRedisTest.redisState(redis);
    Path configA = NodeFolders.write(root, "A", state);
    Path configB = NodeFolders.write(root, "B", state);
    TestHosts.addAccount(configA, "alice", "pw-alice");
    a = HostProcess.start("A", configA);
    b = HostProcess.start("B", configB);
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
  void digestFailsClosedWhileRedisIsDownAndResumesByItselfWithoutAcceptingAReplay()
      throws Exception {
    LoadTool.DigestClient client = NodeRequests.digestClient(a.port(), "alice", "pw-alice");
    String accepted = client.next(DIGEST_PATH);
    assertEquals(200, get(b.port(), DIGEST_PATH, accepted).status());
    long beforeA = a.lastEventNumber();
    long beforeB = b.lastEventNumber();

    redis.stop();

    String during = client.next(DIGEST_PATH);
    for (int i = 0; i < 3; i++) {
      for (HostProcess node : List.of(a, b)) {
        Response r = get(node.port(), DIGEST_PATH, during);
        assertEquals(503, r.status(), node + " while Redis is down: " + r.headers());
        assertFalse(r.values("Retry-After").isEmpty(), r.headers().toString());
        Response replay = get(node.port(), DIGEST_PATH, accepted);
        assertNotEquals(200, replay.status(), node + " accepted a replay while Redis was down");
      }
    }
    // A password logon goes on from the node's own memory (Basic needs no shared record).
    assertEquals(200, get(a.port(), BASIC_PATH, basic("alice", "pw-alice")).status());
    assertEquals(200, get(b.port(), BASIC_PATH, basic("alice", "pw-alice")).status());
    for (HostProcess node : List.of(a, b)) {
      long after = node == a ? beforeA : beforeB;
      node.awaitEvent(after, TwoNodesRedisOutageTest::redisError, Duration.ofSeconds(30));
      assertEquals(
          1,
          node.events(after, TwoNodesRedisOutageTest::redisError).size(),
          node + ": one ERROR for the outage, not one per request");
    }

    redis.restart();

    // Nothing is done to the nodes: they find Redis again on their own.
    awaitDigestResumes();
    for (HostProcess node : List.of(a, b)) {
      long after = node == a ? beforeA : beforeB;
      EventRecord back =
          node.awaitEvent(
              after,
              e -> e.level() == EventLevel.INFORMATION && mentionsRedis(e),
              Duration.ofSeconds(30));
      assertTrue(back.recordNumber() > after, back.toString());
    }
    // Redis came back empty: nonces of before are no longer good (the nodes took a new nonce key
    // or epoch), whether their counts were accepted or refused then; a fresh handshake is.
    for (HostProcess node : List.of(a, b)) {
      assertEquals(401, get(node.port(), DIGEST_PATH, during).status(), node.toString());
      assertEquals(401, get(node.port(), DIGEST_PATH, accepted).status(), node.toString());
    }
  }

  @Test
  void aCountAcceptedBeforeRedisCameBackEmptyIsStillRefused() throws Exception {
    LoadTool.DigestClient client = NodeRequests.digestClient(a.port(), "alice", "pw-alice");
    String accepted = client.next(DIGEST_PATH);
    assertEquals(200, get(b.port(), DIGEST_PATH, accepted).status());

    redis.restart();
    awaitDigestResumes();

    for (HostProcess node : List.of(a, b)) {
      Response replay = get(node.port(), DIGEST_PATH, accepted);
      assertNotEquals(200, replay.status(), node + " accepted again a count used before");
    }
    // And the other way round: a fresh nonce of B is good on A.
    LoadTool.DigestClient fromB = NodeRequests.digestClient(b.port(), "alice", "pw-alice");
    assertEquals(200, get(a.port(), DIGEST_PATH, fromB.next(DIGEST_PATH)).status());
  }

  /** Until a nonce of A is accepted by B: the nodes find Redis again on their own. */
  private static void awaitDigestResumes() throws Exception {
    long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
    int status;
    do {
      // While a node resets after Redis came back empty, Digest is disabled and enabled anew: its
      // challenge is a 503 for that moment, so the handshake itself is retried too.
      Response challenge = get(a.port(), DIGEST_PATH, null);
      LoadTool.DigestClient fresh =
          challenge.status() != 401
              ? null
              : LoadTool.DigestClient.from(challenge.values("WWW-Authenticate"), "alice:pw-alice");
      status =
          fresh == null
              ? challenge.status()
              : get(b.port(), DIGEST_PATH, fresh.next(DIGEST_PATH)).status();
      if (status != 200) {
        // Each node reconnects on its own schedule: ask again shortly.
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } while (status != 200 && System.nanoTime() < deadline);
    assertEquals(200, status, "Digest did not resume within " + RECOVERY_BOUND);
  }

  private static boolean mentionsRedis(EventRecord e) {
    return e.text().contains("Redis") || e.text().contains(redis.uri());
  }

  private static boolean redisError(EventRecord e) {
    return e.level() == EventLevel.ERROR && mentionsRedis(e);
  }
}
