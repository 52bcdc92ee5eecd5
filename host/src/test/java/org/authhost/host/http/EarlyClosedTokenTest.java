package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection-bound plug-in that closes the token of a logon while its connection still relies on
 * it: the next request on that connection is refused (503, fail closed), and the record names the
 * plug-in and what it does wrong.
 */
class EarlyClosedTokenTest {
  @TempDir Path root;

  private final String prefix = "authhost.test." + UUID.randomUUID() + ".";
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    gate.countDown();
    System.getProperties().keySet().removeIf(k -> k.toString().startsWith(prefix));
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void aTokenClosedTooEarlyIs503AndTheRecordNamesThePlugin() throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    PluginJar.of("earlyclose", "org.authhost.testplugins.earlyclose.EarlyClosePlugin")
        .writeTo(root.resolve("plugins"), "earlyclose.jar");
    System.getProperties().put(prefix + "gate", gate);
    System.getProperties().put(prefix + "closed", closed);
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "settings": { "earlyclose": {
              "properties": { "gate": "%sgate", "closed": "%sclosed" } } }
          },
          "http": { "port": 0 },
          "publishingPoints": [
            { "name": "nego", "prefix": "/nego/", "directory": "../media",
              "plugins": ["earlyclose"] }
          ]
        }
        """
            .formatted(prefix, prefix));
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(new MutableClock()));
    host.start();

    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", host.http().plainPort())) {
      assertEquals(401, c.get("/nego/hello.txt", "Negotiate hello").status());
      assertEquals(200, c.get("/nego/hello.txt", "Negotiate proof").status());
      gate.countDown();
      assertTrue(closed.await(10, TimeUnit.SECONDS), "the plug-in closed its token");

      assertEquals(503, c.get("/nego/hello.txt", null).status());
    }
    List<EventRecord> refusals =
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .filter(e -> e.text().contains("was closed before the host was done with it"))
            .toList();
    assertEquals(1, refusals.size(), refusals.toString());
    assertTrue(
        refusals.get(0).text().contains("the token plug-in 'earlyclose' gave for ")
            && refusals.get(0).text().contains("the plug-in closes it too early"),
        refusals.get(0).text());
  }
}
