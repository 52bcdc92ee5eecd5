package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.SignedLinks;
import org.authhost.host.testing.StreamingTools;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed URL through nginx's {@code auth_request} (the documented recipe): nginx passes the
 * original URI, query included, and the signed-URL plug-in checks it as for a client of the host;
 * curl fetches from nginx. A refused link is nginx's 403, and the audit never shows the signature.
 */
class NginxSignedUrlEndToEndTest {
  private static final String K1 = "k1-0123456789abcdef0123456789abcdef";

  @TempDir static Path root;
  static final MutableClock clock = new MutableClock(Instant.now());
  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    StreamingTools.nginx();
    Path keys = Files.createDirectories(root.resolve("keys")).resolve("signed-url.keys");
    Files.writeString(keys, "k1=" + K1 + "\n");
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-signed-url.jar",
            "unused\n",
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": {
                "signed-url": { "capabilities": ["token-without-credential"],
                  "properties": { "account": "alice", "keysFile": "%s" } } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "publishingPoints": [
                { "name": "hls", "prefix": "/hls/", "plugins": ["signed-url"],
                  "acl": [ { "principal": "alice", "rights": ["read"] } ] },
                { "name": "app", "prefix": "/app/", "plugins": ["signed-url"] }
              ],
              "integrations": {
                "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["hls", "app"] }
              }
            }
            """
                .formatted(keys.toString().replace("\\", "\\\\")),
            FakeTime.of(clock));
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  static String signed(String prefix, long expires) throws Exception {
    return SignedLinks.query("k1", K1, prefix, expires, null);
  }

  @Test
  void aSignedUrlIsServedByNginxAndARefusedOneIs403() throws Exception {
    Path prefix = root.resolve("nginx");
    Path hls = Files.createDirectories(prefix.resolve("html/hls/720p"));
    Files.writeString(hls.resolve("1k.txt"), "k".repeat(1024));
    long now = clock.instant().getEpochSecond();
    String query = signed("/hls/720p/", now + 600);
    try (PrivateNginx nginx = NginxRecipe.startWithoutApp(prefix, port)) {
      String base = "http://127.0.0.1:" + nginx.port("http");
      CurlRun ok = CurlRun.run(root, base + "/hls/720p/1k.txt?" + query);
      assertEquals(List.of(200), ok.statuses(), ok.verbose() + nginx.errorLog());
      assertEquals("k".repeat(1024), ok.body());

      for (String refused :
          List.of(
              base + "/hls/720p/1k.txt?" + signed("/hls/720p/", now - 1),
              base + "/hls/1k.txt?" + query,
              base + "/hls/720p/1k.txt?" + query.replace("ah_exp=", "ah_exp=1"),
              base + "/hls/720p/1k.txt")) {
        CurlRun r = CurlRun.run(root, refused);
        assertEquals(List.of(403), r.statuses(), r.verbose());
        assertFalse(r.verbose().toLowerCase().contains("www-authenticate"), r.verbose());
      }
    }
    String sig = query.substring(query.indexOf("ah_sig=") + 7);
    assertFalse(
        host.eventLog().query(EventQuery.all()).stream().anyMatch(e -> e.text().contains(sig)),
        "no event shows the signature");
    assertTrue(
        host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
            .anyMatch(e -> e.text().contains("refused 403") && e.text().contains("expired at")),
        "the audit gives the reason");
  }
}
