package org.authhost.host.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong password whose check began before the account was locked, and whose failure is counted
 * after: the lockout is learned with the count. With Redis that is another host's lockout whose
 * message had not come; in the host's memory (this test) it is a concurrent request's. Either way
 * the answer is the one of a lockout known before the check (429 with Retry-After), not a new
 * password prompt: the same rule in both modes, and what the client's next request would get.
 */
class LockoutLearnedWithTheCountTest {
  @TempDir Path root;

  private final String parkKey = "authhost.test.park." + UUID.randomUUID();
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    System.getProperties().remove(parkKey);
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void aFailureCountedAfterAConcurrentRequestLockedTheAccountIsAnswered429InMemoryToo()
      throws Exception {
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
            "settings": { "parkedstate": { "properties": { "park": "%s" } } } },
          "http": { "port": 0 },
          "security": { "lockout": { "threshold": 2, "addressThreshold": 1000,
                                     "windowSeconds": 300, "durationSeconds": 600 } },
          "publishingPoints": [
            { "name": "p", "prefix": "/p/", "directory": "../media", "plugins": ["parkedstate"],
              "acl": [ { "principal": "Everyone", "rights": ["read"] } ] }
          ]
        }
        """
            .formatted(parkKey));
    host = AuthHost.create(TestHosts.load(config), FakeTime.of(new MutableClock()));
    host.start();
    int port = host.http().plainPort();

    // A wrong password for carol is being checked (it waits inside the plug-in) ...
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    System.getProperties().put(parkKey, new CountDownLatch[] {inside, release});
    CompletableFuture<RawHttpConnection.Response> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
                return c.get("/p/a.txt", "Test deny:carol");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(inside.await(30, TimeUnit.SECONDS), "the slow check is inside the plug-in");

    // ... while two other wrong passwords lock her account (the second begins the lockout).
    // Each on a connection of its own: the same credentials again on one count once.
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(401, c.get("/p/a.txt", "Test deny:carol").status());
    }
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(401, c.get("/p/a.txt", "Test deny:carol").status(), "the lockout begins");
    }

    // The slow one's failure is counted now: it learns the lockout with its count.
    release.countDown();
    RawHttpConnection.Response answer = slow.get(30, TimeUnit.SECONDS);
    assertEquals(429, answer.status(), "answered as a lockout known before the check");
    assertEquals(1, answer.values("Retry-After").size(), answer.headers().toString());
  }
}
