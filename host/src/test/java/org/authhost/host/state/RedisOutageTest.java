package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Module;
import com.google.inject.util.Modules;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.RedisServer;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host whose state is in a real Redis, and Redis stopped under it: Digest fails closed (503 with
 * Retry-After, never a count accepted unrecorded), the operator hears of it once, and when Redis is
 * back the host serves again by itself and says so.
 */
class RedisOutageTest {
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

  @TempDir Path root;

  private RedisServer redis;
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void redisStoppedMeans503WithOneErrorNoReplayAndServiceResumesByItself() throws Exception {
    int port = startRedisAndHost();
    String first;
    assertTrue(
        redis.call("KEYS", "authhost:*").contains("authhost:plugin/digest/nonce-key"),
        "the nonce key is in Redis, under the prefix and the plug-in's id");

    try (Connection c = new Connection(port)) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
      assertNotNull(client);
      first = client.next("/d/hello.txt");
      assertEquals(200, c.send(first).status());
      assertEquals(200, c.send(client.next("/d/hello.txt")).status());
      assertEquals(401, c.send(first).status(), "a replay, refused through Redis");

      redis.stop();
      // Once the host knows Redis is gone, a request is refused busy, not a failed logon (one in
      // flight as Redis went may still fail late, as an ERROR: only the ones after count here).
      awaitEvent("cannot be reached");
      Response during = c.send(client.next("/d/hello.txt"));
      assertEquals(503, during.status(), "no shared record, no logon");
      assertNotNull(during.retryAfter(), "503 with Retry-After");
      for (int i = 0; i < 5; i++) {
        assertEquals(503, c.send(first).status(), "a replay is never accepted meanwhile");
        assertEquals(503, c.send(client.next("/d/hello.txt")).status());
      }
    }
    assertEquals(
        1,
        events(e -> e.level() == EventLevel.ERROR && e.text().contains("cannot be reached")).size(),
        "one ERROR for the whole outage, not one per request");
    assertEquals(
        1,
        events(e -> e.level() == EventLevel.WARNING && e.text().contains("memory only")).size(),
        "and one WARNING: lockouts fall back to this host's memory");
    List<EventRecord> failedLogons =
        host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
            .filter(e -> e.text().contains("logon failed"))
            .toList();
    assertEquals(List.of(), failedLogons, "an outage is no failed logon of alice's");
    List<String> busy = refused503(host);
    assertTrue(
        busy.stream().anyMatch(t -> t.contains("digest plug-in could not reach the shared state")),
        "the 503 is audited with its real cause: " + busy);
    assertTrue(
        busy.stream().allMatch(t -> t.contains("(Redis at redis://127.0.0.1:")),
        "naming the back end, Redis, for the operator: " + busy);
    assertTrue(
        busy.stream().noneMatch(t -> t.contains("bulkhead")),
        "Digest is non-blocking and has no bulkhead: " + busy);

    redis.restart();
    // Redis came back empty (no persistence): a request accepted before the outage, replayed now,
    // must never meet an empty window. While the host resets the store it answers 503; after,
    // the old nonce is stale (a new nonce key), so 401.
    Response replayed = replayUntilReset(port, first);
    assertEquals(401, replayed.status(), "the replayed request's nonce is stale after the reset");
    assertStale(replayed);
    int status = freshHandshakeStatus(port);
    assertEquals(200, status, "served again within " + RECOVERY_BOUND + " of Redis's restart");
    List<EventRecord> back =
        events(e -> e.level() == EventLevel.INFORMATION && e.text().contains("reachable again"));
    assertEquals(1, back.size(), back.toString());
    assertEquals(
        1,
        events(e -> e.level() == EventLevel.ERROR && e.text().contains("cannot be reached")).size(),
        "still the one ERROR");
    // Redis came back empty (the tests' runs without persistence): the operator must hear that
    // the used counts are gone. The check runs on reconnection, beside the requests: wait for it.
    awaitEvent("came back empty");
    List<EventRecord> empty = events(e -> e.text().contains("came back empty"));
    assertEquals(1, empty.size(), empty.toString());
    assertEquals(EventLevel.ERROR, empty.get(0).level());
    assertTrue(empty.get(0).text().contains("appendonly yes"), empty.get(0).text());
    assertEquals(
        1,
        events(e -> e.text().contains("was reset by the host") && e.text().contains("digest"))
            .size(),
        "Digest enabled anew on the empty store");
    assertEquals(
        List.of(),
        host.eventLog().query(EventQuery.all()).stream()
            .filter(e -> e.text().contains("by the operator"))
            .toList(),
        "the reset is the host's doing, not told as the operator's");
  }

  @Test
  void aServerThatAnswersReadonlyIsUnavailable503NotA5xxPerRequest() throws Exception {
    int port = startRedisAndHost();
    try (Connection c = new Connection(port)) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
      assertEquals(200, c.send(client.next("/d/hello.txt")).status());

      // A master demoted to a replica (a failover seen through a plain redis:// URI): every
      // write answers READONLY. The master it now follows does not exist, so it stays so.
      int nowhere;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        nowhere = free.getLocalPort();
      }
      redis.call("REPLICAOF", "127.0.0.1", String.valueOf(nowhere));
      for (int i = 0; i < 3; i++) {
        Response during = c.send(client.next("/d/hello.txt"));
        assertEquals(503, during.status(), "READONLY: Redis unavailable, not an internal error");
        assertNotNull(during.retryAfter(), "503 with Retry-After");
      }
      List<EventRecord> down =
          events(e -> e.level() == EventLevel.ERROR && e.text().contains("cannot be reached"));
      assertEquals(1, down.size(), down.toString());
      assertTrue(down.get(0).text().contains("READONLY"), down.get(0).text());

      redis.call("REPLICAOF", "NO", "ONE");
      for (int i = 0; i < RedisOutage.SUCCESSES_TO_RECOVER; i++) {
        assertEquals(200, c.send(client.next("/d/hello.txt")).status(), "served again");
      }
    }
    assertEquals(
        1,
        events(e -> e.level() == EventLevel.INFORMATION && e.text().contains("reachable again"))
            .size());
  }

  @Test
  void anEvictionPolicyOtherThanNoevictionFailsClosedWithOneErrorUntilFixed() throws Exception {
    int port = startRedisAndHost();
    try (Connection c = new Connection(port)) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
      assertEquals(200, c.send(client.next("/d/hello.txt")).status());

      // Redis may now evict a window of used counts: the host sees it when it reconnects.
      redis.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
      redis.call("CLIENT", "KILL", "TYPE", "normal");
      awaitEvent("maxmemory-policy");
      List<EventRecord> errors =
          events(e -> e.level() == EventLevel.ERROR && e.text().contains("maxmemory-policy"));
      assertEquals(1, errors.size(), errors.toString());
      assertTrue(errors.get(0).text().contains("allkeys-lru"), errors.get(0).text());
      assertTrue(errors.get(0).text().contains("noeviction"), errors.get(0).text());
      for (int i = 0; i < 3; i++) {
        assertEquals(503, c.send(client.next("/d/hello.txt")).status(), "fail closed");
      }

      redis.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
      redis.call("CLIENT", "KILL", "TYPE", "normal");
      assertEquals(200, awaitStatus(c, client, 200), "served again with noeviction");
    }
    assertEquals(
        1,
        events(e -> e.level() == EventLevel.ERROR && e.text().contains("maxmemory-policy")).size(),
        "one ERROR, not one per request");
  }

  @Test
  void aRestartFromASnapshotThatMissesAUseNeverAcceptsItsReplay() throws Exception {
    int port = startRedisAndHost();
    String accepted;
    try (Connection c = new Connection(port)) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
      assertEquals(200, c.send(client.next("/d/hello.txt")).status());
      // A snapshot with the life mark and the window so far; the next use is after it.
      assertEquals("OK", redis.call("SAVE"));
      accepted = client.next("/d/hello.txt");
      assertEquals(200, c.send(accepted).status());
    }
    redis.restart(); // loads the snapshot: the mark survives, the last use does not
    Response replayed = replayUntilReset(port, accepted);
    assertEquals(401, replayed.status(), "after the reset the replayed request's nonce is refused");
    assertStale(replayed);
    int status = freshHandshakeStatus(port);
    assertEquals(200, status, "a fresh handshake works again");
  }

  /**
   * Sends {@code authorization} (a request accepted before Redis lost its data) until the host has
   * reset the store: 503 meanwhile, never 200.
   */
  private static Response replayUntilReset(int port, String authorization) throws Exception {
    Response replayed;
    long end = System.nanoTime() + RECOVERY_BOUND.toNanos();
    do {
      try (Connection c = new Connection(port)) {
        replayed = c.send(authorization);
      }
      assertTrue(replayed.status() != 200, "a replay after Redis lost its data was accepted");
      if (replayed.status() == 503) {
        Thread.sleep(50); // the reconnection and the reset run on their own: wait for them
      }
    } while (replayed.status() == 503 && System.nanoTime() < end);
    return replayed;
  }

  /** A fresh challenge that says the nonce was only stale: the client retries without a prompt. */
  private static void assertStale(Response refused) {
    assertTrue(
        refused.challenges().stream().anyMatch(c -> c.toLowerCase().contains("stale=true")),
        "stale=true (a new epoch), not a forged nonce (a password prompt): "
            + refused.challenges());
  }

  @Test
  void afterAResetAnotherNodesOutstandingNonceIsStaleNotForged() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    AuthHost a = startHost(root.resolve("a"));
    LoadTool.DigestClient fromA;
    try {
      host = startHost(root.resolve("b"));
      try (Connection c = new Connection(a.http().plainPort())) {
        fromA = LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
        assertEquals(200, c.send(fromA.next("/d/hello.txt")).status());
      }
    } finally {
      a.stop();
    }
    // Each node made its own nonce.key; A's went to Redis first. Redis now restarts empty and B,
    // alone, seeds the store again: with the key all nodes share, so A's nonce is only stale.
    redis.restart();
    int port = host.http().plainPort();
    Response old = replayUntilReset(port, fromA.next("/d/hello.txt"));
    assertEquals(401, old.status(), "a nonce of before the reset is not accepted");
    assertStale(old);
    try (Connection c = new Connection(port)) {
      LoadTool.DigestClient fresh = LoadTool.DigestClient.from(old.challenges(), "alice:pw-alice");
      assertEquals(200, c.send(fresh.next("/d/hello.txt")).status(), "the retry is served");
    }
  }

  @Test
  void aHostStartedWhileRedisIsDownServesDigestByItselfOnceRedisAnswers() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    redis.stop();
    host = startHost(root);
    assertTrue(
        (host.plugins().plugin("digest").orElseThrow().status()
                & org.authhost.host.plugins.PluginStatus.ENABLED)
            == 0,
        "Digest could not read its nonce key: not enabled yet");
    redis.restart(); // the same port
    int port = host.http().plainPort();
    int status = freshHandshakeStatus(port);
    assertEquals(200, status, "Digest serves without an operator's enable");
    List<EventRecord> resumed = events(e -> e.text().contains("enable had failed"));
    assertEquals(1, resumed.size(), resumed.toString());
    assertEquals(EventLevel.INFORMATION, resumed.get(0).level());
    assertTrue(resumed.get(0).text().contains("digest"), resumed.get(0).text());
  }

  @Test
  void aStoreThatFailsAfterAuthenticateReturnedIsA503NotAFailedLogon() throws Exception {
    try (Connection c = new Connection(startRedisAndHost())) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
      assertEquals(200, c.send(client.next("/d/hello.txt")).status());
      // Redis holds every command past the host's time-out (2 s): the nonce count's claim is sent
      // while Authenticate returns, and fails later, on its own.
      redis.call("CLIENT", "PAUSE", "4000", "ALL");
      Response late = c.send(client.next("/d/hello.txt"));
      assertEquals(503, late.status(), "nothing was judged: busy");
      assertNotNull(late.retryAfter(), "503 with Retry-After");
    }
    List<EventRecord> failedLogons =
        host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
            .filter(e -> e.text().contains("logon failed"))
            .toList();
    assertEquals(List.of(), failedLogons, "a late store failure is no failed logon of alice's");
    assertEquals(
        List.of(),
        events(e -> e.text().contains("cannot be reached")),
        "one command that timed out is no outage (hysteresis, counted where Redis answers)");
  }

  @Test
  void aPluginWhoseEnableFailedOnTheStoreIsEnabledOnTheNextReconnection() throws Exception {
    startRedisAndHost();
    // The store fails closed (an evicting policy), and an operator's enable meets it.
    redis.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
    redis.call("CLIENT", "KILL", "TYPE", "normal");
    awaitEvent("maxmemory-policy");
    host.plugins().disable("digest");
    org.authhost.host.plugins.PluginView failed = host.plugins().enable("digest");
    assertEquals(
        org.authhost.api.HResult.NS_E_NO_NEW_CONNECTIONS,
        failed.errorCode(),
        "Digest could not read its nonce key: " + failed);
    // Fixed, and a reconnection (not the first connection): the host enables Digest by itself.
    redis.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
    redis.call("CLIENT", "KILL", "TYPE", "normal");
    int status = freshHandshakeStatus(host.http().plainPort());
    assertEquals(200, status, "Digest serves without another enable by the operator");
  }

  @Test
  void aPluginWhoseEnableFailedOnAnEvictingPolicyIsEnabledOnceThePolicyIsFixedWithoutReconnecting()
      throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    org.authhost.host.testing.MutableClock clock = new org.authhost.host.testing.MutableClock();
    host = startHost(root, org.authhost.host.testing.FakeTime.of(clock));
    // The policy goes wrong; the minute's check finds it, and an operator's enable meets it.
    redis.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
    clock.advance(HostState.EVICTION_CHECK_EVERY);
    awaitEvent("maxmemory-policy");
    host.plugins().disable("digest");
    org.authhost.host.plugins.PluginView failed = host.plugins().enable("digest");
    assertEquals(org.authhost.api.HResult.NS_E_NO_NEW_CONNECTIONS, failed.errorCode());
    // Fixed, with no reconnection: the next minute's check enables Digest.
    redis.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
    clock.advance(HostState.EVICTION_CHECK_EVERY);
    // The re-enable waits for the check's answer, a bounded number of SERVER_CHECK_WAITs of the
    // host's clock. That answer is Redis's, in real time: the clock moves only once it is in, or
    // a busy machine's late answer would find those tries used up (and Digest never back).
    awaitEvent("maxmemory-policy noeviction again");
    clock.advance(HostState.SERVER_CHECK_WAIT);
    long end = System.nanoTime() + RECOVERY_BOUND.toNanos();
    while (!enabled("digest") && System.nanoTime() < end) {
      Thread.sleep(20); // the enable runs on the host's reset thread: wait for its result
    }
    assertTrue(enabled("digest"), "Digest is back without a reconnection or the operator");
    try (Connection c = new Connection(host.http().plainPort())) {
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(c.send(null).challenges(), "alice:pw-alice");
      assertEquals(200, c.send(client.next("/d/hello.txt")).status());
    }
  }

  /** A Redis in {@code root/redis} and a host in {@code root} on it; the host's HTTP port. */
  private int startRedisAndHost() throws Exception {
    redis = RedisServer.start(root.resolve("redis"));
    host = startHost(root);
    return host.http().plainPort();
  }

  /** A host in {@code dir} serving Digest, its state in {@link #redis}. */
  private AuthHost startHost(Path dir) throws Exception {
    return startHost(dir, Modules.EMPTY_MODULE);
  }

  private AuthHost startHost(Path dir, Module overrides) throws Exception {
    return TestHosts.startServing(
        dir,
        "authhost-plugin-digest.jar",
        "hello\n",
        DigestHostJson.of("SHA-256,MD5", DigestHostJson.redisState(redis.uri())),
        overrides);
  }

  /** The texts of {@code host}'s audit records of a refusal with 503. */
  static List<String> refused503(AuthHost host) {
    return host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
        .map(EventRecord::text)
        .filter(t -> t.startsWith("refused 503"))
        .toList();
  }

  /** Waits, at most the recovery bound, for a host event holding {@code text}. */
  private void awaitEvent(String text) throws Exception {
    long end = System.nanoTime() + RECOVERY_BOUND.toNanos();
    while (events(e -> e.text().contains(text)).isEmpty() && System.nanoTime() < end) {
      Thread.sleep(20); // what makes it (a reconnection, a check) is Redis's: wait for the event
    }
    assertFalse(
        events(e -> e.text().contains(text)).isEmpty(),
        "no host event holding '" + text + "' within " + RECOVERY_BOUND);
  }

  /**
   * Sends fresh handshakes until one is served, at most the recovery bound; its status. Each
   * attempt is a real request: the host reconnects and re-enables on its own, nothing here helps.
   */
  private static int freshHandshakeStatus(int port) throws Exception {
    int status = 0;
    long end = System.nanoTime() + RECOVERY_BOUND.toNanos();
    while (status != 200 && System.nanoTime() < end) {
      try (Connection c = new Connection(port)) {
        Response challenge = c.send(null);
        if (challenge.status() == 401 && !challenge.challenges().isEmpty()) {
          status =
              c.send(
                      LoadTool.DigestClient.from(challenge.challenges(), "alice:pw-alice")
                          .next("/d/hello.txt"))
                  .status();
        }
      }
      if (status != 200) {
        Thread.sleep(50); // the reconnection is Lettuce's, on its own timer: wait for its result
      }
    }
    return status;
  }

  private boolean enabled(String id) {
    return host.plugins()
        .plugin(id)
        .map(v -> (v.status() & org.authhost.host.plugins.PluginStatus.ENABLED) != 0)
        .orElse(false);
  }

  /** Sends fresh requests until one answers {@code wanted} (the reconnection is Lettuce's). */
  private int awaitStatus(Connection c, LoadTool.DigestClient client, int wanted) throws Exception {
    int status = 0;
    long end = System.nanoTime() + RECOVERY_BOUND.toNanos();
    while (status != wanted && System.nanoTime() < end) {
      status = c.send(client.next("/d/hello.txt")).status();
      if (status != wanted) {
        Thread.sleep(20); // the reconnection and the check run on their own: wait for them
      }
    }
    return status;
  }

  private List<EventRecord> events(Predicate<EventRecord> which) throws Exception {
    return host.eventLog().query(EventQuery.all().withSource(HostEvents.HOST)).stream()
        .filter(which)
        .toList();
  }

  record Response(int status, List<String> challenges, String retryAfter) {}

  /** One keep-alive HTTP/1.1 connection to the host. */
  static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    Connection(int port) throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    Response send(String authorization) throws Exception {
      out.write(
          ("GET /d/hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                  + "\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      int status = Integer.parseInt(in.readLine().split(" ")[1]);
      List<String> challenges = new ArrayList<>();
      String retryAfter = null;
      int length = 0;
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        if (line.regionMatches(true, 0, "www-authenticate:", 0, 17)) {
          challenges.add(line.substring(17).strip());
        }
        if (line.regionMatches(true, 0, "retry-after:", 0, 12)) {
          retryAfter = line.substring(12).strip();
        }
        if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Integer.parseInt(line.substring(15).strip());
        }
      }
      for (int i = 0; i < length; i++) {
        in.read();
      }
      return new Response(status, challenges, retryAfter);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}
