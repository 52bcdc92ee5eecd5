package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.plugins.PluginStatus;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RedisServer;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's reset disables and enables the <em>same</em> plug-in instance. A request that was
 * already inside what the earlier enable built (Digest's verifier, waiting in a slow {@code
 * getDigestHa1}) across the whole reset must not claim its count on the emptied store under the new
 * life mark: that count was used before the loss, and an empty window would accept it again.
 */
class RequestAcrossResetTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  @TempDir Path root;

  private final String parkKey = "authhost.test.park." + UUID.randomUUID();
  private final String enabledKey = "authhost.test.enabled." + UUID.randomUUID();
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    System.getProperties().remove(parkKey);
    System.getProperties().remove(enabledKey);
    if (host != null) {
      host.stop();
    }
  }

  private final MutableClock clock = new MutableClock();

  @Test
  void aRequestParkedAcrossTheResetIsRefusedNotClaimedOnTheEmptiedStore() throws Exception {
    int port = start(false);

    // Count 5 of N is used before the loss.
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(200, c.get("/p/a.txt", "Test N").status());
      assertEquals(401, c.get("/p/a.txt", "Test N").status(), "a replay is refused");
    }

    // Its replay arrives and waits inside the plug-in, with what the first enable built.
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    System.getProperties().put(parkKey, new CountDownLatch[] {inside, release});
    CompletableFuture<Integer> replay =
        CompletableFuture.supplyAsync(
            () -> {
              try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
                return c.get("/p/a.txt", "Test N").status();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(inside.await(30, TimeUnit.SECONDS), "the replay is inside the plug-in");

    // Redis loses its data; another request finds it, and the host resets: it disables the
    // plug-in and enables the same instance again.
    CountDownLatch enabledAgain = new CountDownLatch(1);
    System.getProperties().put(enabledKey, enabledAgain);
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(503, c.get("/p/a.txt", "Test M").status(), "the loss found: busy");
    }
    assertTrue(enabledAgain.await(30, TimeUnit.SECONDS), "the reset enabled the plug-in again");

    // The parked replay goes on: it must not find count 5 of N unused on the emptied store.
    release.countDown();
    assertEquals(
        503,
        replay.get(30, TimeUnit.SECONDS),
        "a request in flight across the reset is refused (busy), never accepted as a first use");

    // The reset's enable has finished (the operator's enable waits for the host's change), and
    // the plug-in serves under the new mark.
    PluginView view = host.plugins().enable("parkedstate");
    assertTrue((view.status() & PluginStatus.ENABLED) != 0, view.toString());
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(200, c.get("/p/a.txt", "Test K").status());
      assertEquals(401, c.get("/p/a.txt", "Test K").status(), "and replays are refused again");
    }
  }

  /** The host with the test plug-in on Redis; {@code keepView}: it keeps its first state view. */
  private int start(boolean keepView) throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/a.txt"), "a\n");
    PluginJar.of("parkedstate", "org.authhost.testplugins.parkedstate.ParkedStatePlugin")
        .with("api-version", "1.4")
        .writeTo(Files.createDirectories(root.resolve("plugins")), "parkedstate.jar");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "t",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins",
            "settings": { "parkedstate": { "properties": { "park": "%s", "enabled": "%s", "keepView": "%s" } } } },
          "http": { "port": 0 },
          "state": { "redis": { "uri": "%s", "keyPrefix": "across:", "timeoutMillis": 5000 } },
          "publishingPoints": [
            { "name": "p", "prefix": "/p/", "directory": "../media", "plugins": ["parkedstate"],
              "acl": [ { "principal": "Everyone", "rights": ["read"] } ] }
          ]
        }
        """
            .formatted(parkKey, enabledKey, keepView, REDIS.server().uri()));
    host = AuthHost.create(TestHosts.load(config), FakeTime.of(clock));
    host.start();
    return host.http().plainPort();
  }

  @Test
  void aPluginThatKeptAViewFromAnEarlierEnableIsNamedInAnEventOnceNoRequestCanBeInFlight()
      throws Exception {
    int port = start(true);
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(200, c.get("/p/a.txt", "Test A").status());
    }
    CountDownLatch enabledAgain = new CountDownLatch(1);
    System.getProperties().put(enabledKey, enabledAgain);
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(503, c.get("/p/a.txt", "Test B").status(), "the loss found: busy");
    }
    assertTrue(enabledAgain.await(30, TimeUnit.SECONDS), "the reset enabled the plug-in again");
    PluginView view = host.plugins().enable("parkedstate"); // waits for the reset's enable
    assertTrue((view.status() & PluginStatus.ENABLED) != 0, view.toString());

    // Its calls go through the view of its first enable: refused. Within the time a request
    // admitted before could still be answered, that may be such a request: no event yet.
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(503, c.get("/p/a.txt", "Test C").status());
    }
    assertEquals(List.of(), keptViewEvents());
    // Past every time limit: the plug-in kept the view. One ERROR names it and the fix.
    clock.advance(Duration.ofMinutes(10));
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(503, c.get("/p/a.txt", "Test D").status(), "never claimed on the old mark");
      assertEquals(503, c.get("/p/a.txt", "Test E").status());
    }
    List<EventRecord> told = keptViewEvents();
    assertEquals(1, told.size(), told.toString());
    assertEquals(EventLevel.ERROR, told.get(0).level());
    assertTrue(told.get(0).text().contains("authhost plugins reload parkedstate"), told.toString());
    // The same refusal comes from a blocking call that overran its time limit and still runs on
    // its bulkhead thread: the event names that cause too, not only a kept view.
    assertTrue(
        told.get(0)
            .text()
            .contains(
                "a view it took in an earlier EnablePlugin and kept, or a call"
                    + " that overran its time limit"),
        told.toString());
  }

  private List<EventRecord> keptViewEvents() {
    return host
        .eventLog()
        .query(EventQuery.all().withSource(HostEvents.aboutPlugin("parkedstate")))
        .stream()
        .filter(e -> e.text().contains("earlier EnablePlugin"))
        .toList();
  }
}
