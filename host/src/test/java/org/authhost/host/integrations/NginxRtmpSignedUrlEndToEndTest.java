package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.SignedLinks;
import org.authhost.host.testing.StreamingTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed stream URLs through a real nginx-rtmp (the documented recipe): the client's query reaches
 * the host mixed into the call's form fields, and the host reads the client's part of it as the
 * URL's query, so the signed-URL plug-in checks it as it checks an HTTP client's. ffmpeg publishes
 * with a signed {@code rtmp://} URL; an expired one is refused when it connects.
 */
class NginxRtmpSignedUrlEndToEndTest {
  private static final String K1 = "k1-0123456789abcdef0123456789abcdef";

  @TempDir static Path root;

  static StreamingHost host;
  static PrivateNginx nginx;

  static final int LONG_SECONDS = RtmpFfmpeg.LONG_SECONDS;

  @BeforeAll
  static void start() throws Exception {
    StreamingTools.nginx(); // skipped (or failed on CI) without the packages, before any work
    StreamingTools.rtmpModule();
    StreamingTools.ffmpeg();
    Path keys = Files.createDirectories(root.resolve("keys")).resolve("signed-url.keys");
    Files.writeString(keys, "k1=" + K1 + "\n");
    host =
        StreamingHost.start(
            root.resolve("host"),
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": {
                "signed-url": { "capabilities": ["token-without-credential"],
                  "properties": { "account": "carol", "keysFile": "%s" } } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
              "integrations": {
                "nginxRtmp": { "path": "/.authhost/nginx-rtmp", "streamPrefix": "/" }
              },
              "publishingPoints": [
                { "name": "live", "prefix": "/live/", "plugins": ["signed-url"],
                  "acl": [ { "principal": "carol", "rights": ["read", "write"] } ] }
              ]
            }
            """
                .formatted(keys.toString().replace("\\", "\\\\")),
            List.of("authhost-plugin-signed-url.jar"),
            "carol",
            "pw-carol");
    nginx = NginxRecipe.startRtmp(root.resolve("nginx"), host.port(), Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    Teardown.inOrder(
        Teardown.ifStarted(nginx, PrivateNginx::close),
        Teardown.ifStarted(host, StreamingHost::stop));
  }

  /** The query a platform appends (the README's format), signed with k1 for {@code prefix}. */
  static String signed(String prefix, long expires) throws Exception {
    // Percent-encoded: ffmpeg splits an rtmp:// URL's application and stream at its last '/',
    // query included.
    return "ah_prefix="
        + URLEncoder.encode(prefix, StandardCharsets.UTF_8)
        + "&ah_exp="
        + expires
        + "&ah_key=k1&ah_sig="
        + SignedLinks.signature(K1, prefix, expires, null);
  }

  static String url(String stream, String query) {
    return "rtmp://127.0.0.1:" + nginx.port("rtmp") + "/live/" + stream + "?" + query;
  }

  static BoundedProcess publish(String url, int seconds) throws Exception {
    return RtmpFfmpeg.publish(root, url, seconds);
  }

  static String context(BoundedProcess.Exit exit) {
    return RtmpFfmpeg.context(exit, nginx, host);
  }

  @Test
  void aSignedUrlPublishesAndTheSignatureIsNeverAudited() throws Exception {
    long exp = Instant.now().getEpochSecond() + 600;
    String query = signed("/live/", exp);
    try (BoundedProcess publisher = publish(url("cam1", query), 1)) {
      BoundedProcess.Exit accepted = publisher.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, accepted.status(), context(accepted));
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5),
                "logon succeeded",
                "request=\"publish /live/cam1\"",
                "via=nginx-rtmp@127.0.0.1",
                "signed-url key k1")
            .isEmpty(),
        "the publish logged on by the signature: " + host.audited("cam1"));
    String sig = query.substring(query.indexOf("ah_sig=") + "ah_sig=".length());
    assertTrue(
        host.audit().stream().noneMatch(e -> e.text().contains(sig)),
        "the signature never reaches the audit");
  }

  @Test
  void anExpiredSignedUrlIsRefusedWhenItConnects() throws Exception {
    long exp = Instant.now().getEpochSecond() - 60;
    try (BoundedProcess publisher = publish(url("cam2", signed("/live/", exp)), LONG_SECONDS)) {
      RtmpFfmpeg.assertRefusedWhenItConnects(publisher, nginx, host);
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5), "refused 403", "request=\"publish /live/cam2\"", "expired")
            .isEmpty(),
        host.audited("cam2").toString());
  }

  @Test
  void aUrlSignedForAnotherPathIsRefused() throws Exception {
    long exp = Instant.now().getEpochSecond() + 600;
    try (BoundedProcess publisher =
        publish(url("cam3", signed("/live/other/", exp)), LONG_SECONDS)) {
      BoundedProcess.Exit refused = publisher.awaitExit(Duration.ofSeconds(LONG_SECONDS));
      assertNotEquals(0, refused.status(), context(refused));
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5),
                "refused 403",
                "request=\"publish /live/cam3\"",
                "not for this path")
            .isEmpty(),
        host.audited("cam3").toString());
  }
}
