package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
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
 * asked again.
 */
class KeptContextBreachTest {
  @TempDir Path root;
  private final MutableClock clock = new MutableClock();
  private AuthHost host;

  /** The plug-in's GetLogicalUserID calls, counted where plug-in and test both see them. */
  private final AtomicInteger namesAsked = new AtomicInteger();

  @AfterEach
  void stop() throws Exception {
    System.getProperties().remove("kept11.clinging.asked");
    System.getProperties().remove("kept11.clinging.hold");
    if (host != null) {
      host.stop();
    }
  }

  /** Starts a host whose point {@code /t/} offers the {@code clinging} plug-in. */
  private void start() throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    PluginJar.of("clinging", "org.authhost.testplugins.clinging.ClingingPlugin")
        .with("api-version", "1.7")
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
              "properties": { "asked": "kept11.clinging.asked", "hold": "kept11.clinging.hold" } } } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "publishingPoints": [ { "name": "t", "prefix": "/t/", "directory": "../media",
            "plugins": ["clinging"] } ]
        }
        """);
    TestHosts.addAccount(config, "alice", "pw-alice");
    TestHosts.addAccount(config, "bob", "pw-bob");
    System.getProperties().put("kept11.clinging.asked", namesAsked);
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
}
