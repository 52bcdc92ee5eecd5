package org.authhost.host.scaleout;

import static org.authhost.host.scaleout.NodeRequests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Digest promises on one host, through real sockets, whichever store keeps its counts and
 * lockouts: written once, run by {@link DigestOnLocalStateTest} (the in-memory default) and {@link
 * DigestOnRedisStateTest} ({@code state.redis}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DigestStateBehaviour {
  static final String PATH = "/d/hello.txt";

  /** The host's folders (a class-wide temporary folder, given to {@link #start}). */
  Path root;

  AuthHost host;
  int port;

  /** The {@code state} object of host.json, or null for none (the in-memory store). */
  abstract String stateJson() throws Exception;

  @BeforeAll
  void start(@TempDir Path folder) throws Exception {
    root = folder;
    String state = stateJson();
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-digest.jar",
            "hello, digest\n",
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": {
                "directory": "../plugins",
                "settings": { "digest": { "enabled": true, "properties": {
                  "realm": "AuthHost", "algorithms": "SHA-256,MD5" } } }
              },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "accounts": { "digestRealms": ["AuthHost"] },
              "security": { "lockout": { "threshold": 5, "addressThreshold": 1000 } },%s
              "publishingPoints": [ { "name": "d", "prefix": "/d/", "directory": "../media", "plugins": ["digest"] } ]
            }
            """
                .formatted(state == null ? "" : "\n  \"state\": " + state + ","));
    TestHosts.addAccount(root.resolve("config"), "bob", "pw-bob");
    port = host.http().plainPort();
  }

  @AfterAll
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  LoadTool.DigestClient client(String user, String password) throws Exception {
    Response challenge = get(port, PATH, null);
    assertEquals(401, challenge.status());
    return LoadTool.DigestClient.from(challenge.values("WWW-Authenticate"), user + ":" + password);
  }

  @Test
  void increasingCountsOnOneNonceAreAcceptedAndAUsedOneIsAReplay() throws Exception {
    LoadTool.DigestClient client = client("alice", "pw-alice");
    String first = client.next(PATH);
    for (int i = 0; i < 5; i++) {
      assertEquals(200, get(port, PATH, i == 0 ? first : client.next(PATH)).status());
    }
    Response replay = get(port, PATH, first);
    assertEquals(401, replay.status());
    assertFalse(NodeRequests.stale(replay), "a replay, not a stale nonce: " + replay.headers());
  }

  @Test
  void countsMayArriveOutOfOrderWithinTheWindowButEachOnlyOnce() throws Exception {
    LoadTool.DigestClient client = client("alice", "pw-alice");
    List<String> headers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      headers.add(client.next(PATH));
    }
    // As a player spreading one nonce over parallel connections sends them.
    for (int i : new int[] {5, 1, 3, 0, 4, 2}) {
      assertEquals(200, get(port, PATH, headers.get(i)).status(), "nc " + (i + 1));
    }
    for (String used : headers) {
      assertEquals(401, get(port, PATH, used).status());
    }
  }

  @Test
  void ofTheSameHeaderSentOnManyConnectionsAtOnceExactlyOneIsAccepted() throws Exception {
    String header = client("alice", "pw-alice").next(PATH);
    int senders = 8;
    List<RawHttpConnection> connections = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      for (int i = 0; i < senders; i++) {
        connections.add(new RawHttpConnection("127.0.0.1", port));
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> statuses = new ArrayList<>();
      for (RawHttpConnection c : connections) {
        Callable<Integer> send =
            () -> {
              go.await();
              return c.get(PATH, header).status();
            };
        statuses.add(pool.submit(send));
      }
      go.countDown();
      int accepted = 0;
      for (Future<Integer> s : statuses) {
        int status = s.get(60, TimeUnit.SECONDS);
        assertTrue(status == 200 || status == 401, "status " + status);
        accepted += status == 200 ? 1 : 0;
      }
      assertEquals(1, accepted, "one header, " + senders + " connections at once");
    } finally {
      pool.shutdownNow();
      for (RawHttpConnection c : connections) {
        c.close();
      }
    }
  }

  @Test
  void fiveWrongPasswordsLockTheAccountAndTheRightOneIsThenRefusedToo() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertEquals(401, get(port, PATH, client("bob", "wrong").next(PATH)).status());
    }
    Response locked = get(port, PATH, client("bob", "pw-bob").next(PATH));
    assertEquals(429, locked.status());
    assertFalse(locked.values("Retry-After").isEmpty(), locked.headers().toString());
    assertEquals(200, get(port, PATH, client("alice", "pw-alice").next(PATH)).status());
  }

  @Test
  void aNonceThisHostNeverIssuedIsRefusedAndNotStale() throws Exception {
    String forged =
        client("alice", "pw-alice")
            .next(PATH)
            .replaceFirst("nonce=\"[^\"]{10}", "nonce=\"AAAAAAAAAA");
    Response r = get(port, PATH, forged);
    assertEquals(401, r.status());
    assertFalse(NodeRequests.stale(r), r.headers().toString());
  }
}
