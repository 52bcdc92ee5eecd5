package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.plugins.Reloads;
import org.authhost.host.testing.BoundedWait;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.OpenTokens;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's own guard on a kept context (REVERIFYING_CONTEXT, API 1.7): a plug-in whose kept
 * context answers bob's credentials with the token it holds for alice (the test plug-in {@code
 * clinging}) serves nothing with it. The request fails closed (503, audited, naming the plug-in),
 * the context is dropped, and alice's next request gets a context of its own. Until then the kept
 * context's SUCCESS with the token it holds is read by its token alone: the logon's names are not
 * asked again. And what happens under a kept leg that waits (a shared store's round trip, here a
 * latch): the account changing, the plug-in's version beginning to drain, the client leaving.
 */
class KeptContextBreachTest {
  @TempDir Path root;
  private final MutableClock clock = new MutableClock();
  private AuthHost host;

  /** The plug-in's GetLogicalUserID calls, counted where plug-in and test both see them. */
  private final AtomicInteger namesAsked = new AtomicInteger();

  /** The releases of its contexts, counted the same way. */
  private final AtomicInteger released = new AtomicInteger();

  @AfterEach
  void stop() throws Exception {
    System.getProperties().remove("kept11.clinging.asked");
    System.getProperties().remove("kept11.clinging.hold");
    System.getProperties().remove("kept11.clinging.released");
    if (host != null) {
      host.stop();
    }
  }

  /** Starts a host whose point {@code /t/} offers the {@code clinging} plug-in. */
  private void start() throws Exception {
    start(false);
  }

  /**
   * @param nonBlocking whether the plug-in declares {@code non-blocking=true}: its answer from
   *     another thread is then judged on that thread, as a Redis claim's is on its event loop
   */
  private void start(boolean nonBlocking) throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    PluginJar.of("clinging", "org.authhost.testplugins.clinging.ClingingPlugin")
        .with("api-version", "1.7")
        .with("non-blocking", nonBlocking ? "true" : null)
        .writeTo(Files.createDirectories(root.resolve("plugins")), "clinging.jar");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins",
            "settings": { "clinging": { "enabled": true,
              "properties": { "asked": "kept11.clinging.asked", "hold": "kept11.clinging.hold",
                "released": "kept11.clinging.released" } } } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "publishingPoints": [ { "name": "t", "prefix": "/t/", "directory": "../media",
            "plugins": ["clinging"] } ]
        }
        """);
    TestHosts.addAccount(config, "alice", "pw-alice");
    TestHosts.addAccount(config, "bob", "pw-bob");
    System.getProperties().put("kept11.clinging.asked", namesAsked);
    System.getProperties().put("kept11.clinging.released", released);
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
  }

  @Test
  void aKeptContextHandingAlicesTokenToBobFailsClosed() throws Exception {
    start();
    try (RawHttpConnection client = new RawHttpConnection("127.0.0.1", host.http().plainPort())) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, client.get("/t/hello.txt", "Test alice").status());
      }
      assertEquals(
          1,
          namesAsked.get(),
          "the same token again: the logon's names, read once, not per request");
      assertEquals(503, client.get("/t/hello.txt", "Test bob").status(), "never alice's 200");
      assertFalse(
          host.eventLog().query(EventQuery.all()).stream()
              .filter(e -> e.text().contains("clinging plug-in's kept context answered"))
              .filter(e -> e.text().contains("the token of TESTHOST\\alice"))
              .toList()
              .isEmpty());
      // Released where the plug-in's calls run (its own threads: it is not non-blocking).
      OpenTokens.awaitNone(host, "the context was dropped with its token");
      assertEquals(200, client.get("/t/hello.txt", "Test alice").status(), "a new context");
      assertEquals(2, namesAsked.get(), "a new logon's names are read");
    }
  }

  /**
   * The account changes while the kept context answers (a shared store's round trip, here a latch):
   * the SUCCESS with the token it held is not served, and no second context is asked (the proof
   * would be spent); the client is asked to log on again, audited, and the context is dropped.
   */
  @Test
  void theAccountDisabledDuringAKeptLegIsAskedToLogOnAgain() throws Exception {
    CountDownLatch[] hold = {new CountDownLatch(1), new CountDownLatch(1)};
    System.getProperties().put("kept11.clinging.hold", hold);
    start();
    try (RawHttpConnection client = new RawHttpConnection("127.0.0.1", host.http().plainPort())) {
      assertEquals(200, client.get("/t/hello.txt", "Test alice").status());
      CompletableFuture<Integer> asked = heldLeg(client, hold);
      assertEquals(0, GuestAccountTest.accounts(root.resolve("config"), "disable", "alice"));
      clock.advance(Duration.ofSeconds(1)); // the host's account poller has looked
      hold[1].countDown();
      assertEquals(401, asked.get(10, TimeUnit.SECONDS), "never served with the old token");
      assertFalse(
          host.eventLog().query(EventQuery.all()).stream()
              .filter(e -> e.text().contains("changed (disabled, deleted or regrouped) while"))
              .toList()
              .isEmpty());
      OpenTokens.awaitNone(host, "the kept context was dropped");
    }
  }

  /**
   * Alice's request on {@code client}, sent from another thread, once her kept context is holding
   * its answer on {@code hold}.
   */
  private static CompletableFuture<Integer> heldLeg(RawHttpConnection client, CountDownLatch[] hold)
      throws InterruptedException {
    CompletableFuture<Integer> asked =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return client.get("/t/hello.txt", "Test alice").status();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    assertTrue(hold[0].await(10, TimeUnit.SECONDS), "the kept context was asked");
    return asked;
  }

  private boolean draining() {
    return Reloads.draining(host, "clinging");
  }

  /**
   * A reconfigure whose drain begins while a kept leg waits: the context is not released under it.
   * The request is answered by that context (with its token: the names are not read again), and
   * only then is the context released and the old version unloaded, without waiting for its drain
   * time; the connection's next request gets a context of the version in service.
   */
  @Test
  void aKeptLegInFlightWhenTheDrainBeginsIsAnsweredByItsContextThenReleased() throws Exception {
    CountDownLatch[] hold = {new CountDownLatch(1), new CountDownLatch(1)};
    System.getProperties().put("kept11.clinging.hold", hold);
    start(true); // a release the drain's beginning made would have run by the time it is idle
    long before = clock.nanoTime();
    try (RawHttpConnection client = new RawHttpConnection("127.0.0.1", host.http().plainPort())) {
      assertEquals(200, client.get("/t/hello.txt", "Test alice").status());
      CompletableFuture<Integer> asked = heldLeg(client, hold);
      host.plugins().reloads().reconfigure("clinging", Map.of("asked", "kept11.clinging.asked"));
      Reloads.awaitIdle(host); // the drain's beginning has been told to every session
      assertTrue(draining(), "the old version waits for the leg in flight");
      assertEquals(0, released.get(), "not released under the leg");
      assertEquals(1, host.tokens().openHandles());
      hold[1].countDown();
      assertEquals(200, asked.get(10, TimeUnit.SECONDS));
      assertEquals(1, namesAsked.get(), "answered with the token the old context held");
      BoundedWait.until(() -> !draining()); // released as the request ended, off this thread
      assertFalse(draining(), "the old version went once its leg ended");
      assertEquals(1, released.get(), "the old context was released once");
      assertEquals(0, host.tokens().openHandles());
      assertEquals(before, clock.nanoTime(), "no drain time waited for");
      assertEquals(200, client.get("/t/hello.txt", "Test alice").status(), "the same connection");
      assertEquals(2, namesAsked.get(), "a new context's logon, on the version in service");
    }
  }

  /**
   * The client leaves while its kept context's answer waits (review W7): its connection's close
   * releases the context, and the answer that comes after is nobody's: no "plug-in failed" audit,
   * no plug-in in error, and the context released once.
   */
  @Test
  void aClientLeavingDuringAKeptLegEndsQuietly() throws Exception {
    CountDownLatch[] hold = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)};
    System.getProperties().put("kept11.clinging.hold", hold);
    start(true);
    RawHttpConnection client = new RawHttpConnection("127.0.0.1", host.http().plainPort());
    assertEquals(200, client.get("/t/hello.txt", "Test alice").status());
    heldLeg(client, hold);
    client.close();
    OpenTokens.awaitNone(host, "the connection's close released the kept context");
    assertEquals(1, released.get());
    hold[1].countDown();
    // Non-blocking: the whole answer, verdict included, is judged on the plug-in's thread before
    // it counts this one down.
    assertTrue(hold[2].await(10, TimeUnit.SECONDS), "the context answered");
    assertEquals(1, released.get(), "released once, by the close");
    assertEquals(
        List.of(),
        host.eventLog().query(EventQuery.all()).stream()
            .filter(e -> e.level() == EventLevel.ERROR || e.text().contains("fail"))
            .map(e -> e.level() + " " + e.text())
            .toList(),
        "nothing failed");
    PluginView clinging = host.plugins().plugin("clinging").orElseThrow();
    assertFalse(clinging.inError(), clinging.statusText());
  }
}
