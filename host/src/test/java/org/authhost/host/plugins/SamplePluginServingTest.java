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
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
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
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/live.m3u8"), "#EXTM3U\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    PluginJar.ofProject(SAMPLE).writeTo(plugins, "api-key.jar");
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8)));
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins",
            "settings": { "api-key": { "properties": { "keys": "encoder1=%s", "realm": "ingest" } } } },
          "http": { "port": 0 },
          "security": { "lockout": { "addressThreshold": 3 } },
          "publishingPoints": [ { "name": "ingest", "prefix": "/ingest/", "directory": "../media",
            "plugins": ["api-key"], "acl": [ { "principal": "encoder1", "rights": ["read"] } ] } ]
        }
        """
            .formatted(hash));
    TestHosts.addAccount(config, "encoder1", "an-unused-password");
    host = AuthHost.create(ConfigLoader.load(config));
    host.start();

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

  private static HttpResponse<String> send(HttpClient client, URI uri, String authorization)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).header("Authorization", authorization).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
