package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plug-in whose bulkhead is full answers over HTTP as "busy": 503 with {@code Retry-After: 1},
 * audited as a refusal, never as a failed logon (the client did nothing wrong) nor as a failure of
 * the plug-in (it is only slow).
 */
class BusyPluginServingTest {
  @TempDir Path root;

  private final String prefix = "authhost.test." + UUID.randomUUID() + ".";
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch gate = new CountDownLatch(1);
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
  void aFullBulkheadIs503WithRetryAfterAndNotAFailedLogon() throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media").resolve("hello.txt"), "hello\n");
    PluginJar.of("gated", "org.authhost.testplugins.gated.GatedPlugin")
        .with("id", "slow")
        .writeTo(root.resolve("plugins"), "slow.jar");
    System.getProperties().put(prefix + "entered", entered);
    System.getProperties().put(prefix + "gate", gate);
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "settings": { "slow": { "workers": 1, "queue": 0,
              "properties": { "entered": "%sentered", "gate": "%sgate" } } }
          },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "publishingPoints": [
            { "name": "slow", "prefix": "/slow/", "directory": "../media", "plugins": ["slow"] }
          ]
        }
        """
            .formatted(prefix, prefix));
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(new MutableClock()));
    host.start();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + host.http().plainPort() + "/slow/hello.txt"))
            .header("Authorization", "Test x")
            .timeout(Duration.ofSeconds(20))
            .build();

    CompletableFuture<HttpResponse<String>> first =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    assertTrue(entered.await(10, TimeUnit.SECONDS), "the first logon holds the only thread");
    HttpResponse<String> busy = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertEquals(503, busy.statusCode());
    assertEquals(List.of("1"), busy.headers().allValues("retry-after"));
    // Without credentials: the only plug-in is too busy even to give a challenge.
    HttpResponse<String> noChallenge =
        client.send(
            HttpRequest.newBuilder(request.uri()).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(503, noChallenge.statusCode());
    assertEquals(List.of("1"), noChallenge.headers().allValues("retry-after"));
    gate.countDown();
    assertEquals(200, first.get(20, TimeUnit.SECONDS).statusCode());
    List<EventRecord> audit =
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream().toList();
    assertEquals(
        2,
        audit.stream()
            .filter(
                e ->
                    e.text().startsWith("refused 503")
                        && e.text().contains("its bulkhead is full")
                        && e.hresult().equals(HResult.NS_E_NO_NEW_CONNECTIONS))
            .count(),
        audit.toString());
    assertTrue(
        audit.stream().noneMatch(e -> e.text().startsWith("logon failed")), audit.toString());
    assertEquals(
        0x4 | 0x2,
        host.plugins().plugin("slow").orElseThrow().status(),
        "a busy plug-in is not in error");
  }
}
