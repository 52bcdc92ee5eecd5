package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked example in {@code samples/api-key} (its own Maven project, outside this build) loaded
 * by a running host and used by a client: what the guide promises an author.
 */
class SamplePluginServingTest {
  private static final Path SAMPLE = Path.of("../samples/api-key");
  private static final String KEY = "Zm9yIHRoZSBlbmNvZGVyIG9uIHN0YWdlIDE";

  @TempDir Path root;
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void anEncoderLogsOnWithItsKeyAndAnythingElseIsRefused() throws Exception {
    String hash = sha256(KEY);
    start("encoder1=" + hash, "");

    HttpClient client = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + host.http().plainPort() + "/ingest/live.m3u8");
    HttpResponse<String> challenge =
        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, challenge.statusCode());
    assertTrue(
        challenge.headers().allValues("WWW-Authenticate").contains("ApiKey realm=\"ingest\""),
        challenge.headers().toString());
    // No key at all (a space, a tab, too long): refused, but no guess, so never counted towards
    // the address's lockout (addressThreshold 3), however often.
    for (String malformed :
        new String[] {
          "ApiKey two words", "ApiKey a\tb", "ApiKey " + "x".repeat(900), "ApiKey two words"
        }) {
      HttpResponse<String> refused = send(client, uri, malformed);
      assertEquals(401, refused.statusCode(), malformed);
      assertEquals("credentials not accepted\n", refused.body(), malformed);
    }
    HttpResponse<String> served = send(client, uri, "ApiKey " + KEY);
    assertEquals(200, served.statusCode());
    assertEquals("#EXTM3U\n", served.body());
    // The scheme matches whatever its case, and the blob is what follows the whitespace.
    assertEquals(200, send(client, uri, "APIKEY \t " + KEY).statusCode());
    // A wrong key is a guess: refused without naming a user, and counted, so the third one locks
    // the address out (addressThreshold 3), the right key included.
    for (String wrong : new String[] {"ApiKey " + hash, "ApiKey nope", "ApiKey " + KEY + "x"}) {
      HttpResponse<String> refused = send(client, uri, wrong);
      assertEquals(401, refused.statusCode(), wrong);
      assertEquals("credentials not accepted\n", refused.body(), wrong);
    }
    assertEquals(429, send(client, uri, "ApiKey " + KEY).statusCode());
    assertEquals(0, host.tokens().openHandles(), "each request's context closed its token");
  }

  @Test
  void aRightKeyOfAnAccountTheHostLacksIsRefusedAndWarnedAboutOnce() throws Exception {
    start("encoder1=" + sha256(KEY) + ",ghost=" + sha256("the-ghost-key"), "");
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 2; i++) {
      assertEquals(401, send(client, live(), "ApiKey the-ghost-key").statusCode());
    }
    List<EventRecord> warnings = pluginEvents(EventLevel.WARNING);
    assertEquals(1, warnings.size(), "one WARNING, not one per request: " + warnings);
    assertTrue(
        warnings.get(0).text().contains("authhost accounts add ghost"), warnings.get(0).text());
    assertEquals(200, send(client, live(), "ApiKey " + KEY).statusCode(), "still in service");
  }

  @Test
  void withoutItsGrantTheSampleReportsItsOwnErrorAndLeavesService() throws Exception {
    start("encoder1=" + sha256(KEY), "\"requireGrants\": true,");
    HttpClient client = HttpClient.newHttpClient();
    assertEquals(503, send(client, live(), "ApiKey " + KEY).statusCode());
    List<EventRecord> errors = pluginEvents(EventLevel.ERROR);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(HResult.E_ACCESSDENIED, errors.get(0).hresult());
    assertTrue(
        errors.get(0).text().contains("then run: authhost plugins enable api-key"),
        errors.get(0).text());
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ERROR,
        host.plugins().plugin("api-key").orElseThrow().status());
    assertTrue(
        host
            .eventLog()
            .query(EventQuery.all().withSource(HostEvents.aboutPlugin("api-key")))
            .stream()
            .noneMatch(e -> e.level() == EventLevel.ERROR),
        "the plug-in reported its failure (NS_E_PLUGIN_ERROR_REPORTED): the host adds no ERROR");
  }

  private static HttpResponse<String> send(HttpClient client, URI uri, String authorization)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).header("Authorization", authorization).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A host serving {@code /ingest/} through the sample only, with the account {@code encoder1}; the
   * plug-in's {@code keys} and what else its settings say ({@code extraSettings}, JSON members).
   */
  private void start(String keys, String extraSettings) throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/live.m3u8"), "#EXTM3U\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    PluginJar.ofProject(SAMPLE).writeTo(plugins, "api-key.jar");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", %s
            "settings": { "api-key": { "properties": { "keys": "%s", "realm": "ingest" } } } },
          "http": { "port": 0 },
          "security": { "lockout": { "addressThreshold": 3 } },
          "publishingPoints": [ { "name": "ingest", "prefix": "/ingest/", "directory": "../media",
            "plugins": ["api-key"], "acl": [ { "principal": "encoder1", "rights": ["read"] } ] } ]
        }
        """
            .formatted(extraSettings, keys));
    TestHosts.addAccount(config, "encoder1", "an-unused-password");
    host = AuthHost.create(ConfigLoader.load(config));
    host.start();
  }

  private URI live() {
    return URI.create("http://127.0.0.1:" + host.http().plainPort() + "/ingest/live.m3u8");
  }

  private List<EventRecord> pluginEvents(EventLevel level) {
    return host.eventLog().query(EventQuery.all().withSource("api-key").withLevel(level));
  }

  private static String sha256(String key) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }
}
