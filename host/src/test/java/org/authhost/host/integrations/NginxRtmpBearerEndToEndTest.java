package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.OidcProvider;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.StreamingTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bearer token in a stream URL ({@code ?access_token=<JWT>}, the operator's {@code
 * urlCredentials}) through a real nginx-rtmp (the documented recipe), with tokens from a real
 * OpenID provider. nginx-rtmp keeps only the first 255 bytes of a stream URL's query, and a JWT is
 * longer (an RS256 signature alone is 342 characters): the token reaches the host cut, and is
 * refused as malformed when the client connects, a benign refusal (no failed logon, no lockout).
 * What the README and docs/integrations.md say about it rests on this test: use a signed URL (about
 * 120 bytes) through nginx-rtmp, a bearer token through MediaMTX or the RTSP front.
 */
class NginxRtmpBearerEndToEndTest {
  static final OidcProvider.Client CAROL =
      new OidcProvider.Client("rtmp-carol", "carol-secret", "{\"preferred_username\":\"carol\"}");

  /** A publish that, accepted, would run far longer than any refusal takes. */
  static final int LONG_SECONDS = 30;

  @TempDir static Path root;
  static OidcProvider provider;
  static StreamingHost host;
  static PrivateNginx nginx;

  @BeforeAll
  static void start() throws Exception {
    StreamingTools.nginx(); // skipped (or failed on CI) without the packages, before any work
    StreamingTools.rtmpModule();
    StreamingTools.ffmpeg();
    provider =
        OidcProvider.start(
            root,
            OidcProvider.freePort(),
            List.of(OidcProvider.rsaKey("k1")),
            Duration.ofSeconds(600),
            List.of(CAROL));
    host =
        StreamingHost.start(
            root.resolve("host"),
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": {
                "bearer": { "enabled": true, "capabilities": ["token-without-credential"],
                  "urlCredentials": ["access_token"],
                  "properties": { "realm": "media", "issuer": "%s", "audience": "%s" } } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
              "integrations": {
                "nginxRtmp": { "path": "/.authhost/nginx-rtmp", "streamPrefix": "/" }
              },
              "publishingPoints": [
                { "name": "live", "prefix": "/live/", "plugins": ["bearer"],
                  "acl": [ { "principal": "carol", "rights": ["read", "write"] } ] }
              ]
            }
            """
                .formatted(provider.issuer(), OidcProvider.AUDIENCE),
            List.of("authhost-plugin-bearer.jar"),
            "carol",
            "pw-carol");
    nginx =
        PrivateNginx.start(
            root.resolve("nginx"),
            List.of("rtmp"),
            ports -> {
              try {
                return new PrivateNginx.Blocks(
                    null,
                    NginxRecipe.filled(
                        NginxRecipe.RTMP,
                        Map.of(
                            "@AUTHHOST@", "127.0.0.1:" + host.port(),
                            "@RTMP_LISTEN@", "127.0.0.1:" + ports.get("rtmp")),
                        Map.of()));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (nginx != null) {
        nginx.close();
      }
    } finally {
      try {
        if (host != null) {
          host.stop();
        }
      } finally {
        if (provider != null) {
          provider.close();
        }
      }
    }
  }

  static String url(String stream, String token) {
    return "rtmp://127.0.0.1:" + nginx.port("rtmp") + "/live/" + stream + "?access_token=" + token;
  }

  static String context(BoundedProcess.Exit exit) {
    return exit.output() + "\nnginx:\n" + nginx.errorLog() + "\naudit: " + host.audited();
  }

  @Test
  void aJwtInAStreamUrlIsCutByNginxRtmpAndRefusedWhenItConnects() throws Exception {
    String token = provider.token(CAROL);
    assertTrue(token.length() > 255, "a real JWT is longer than nginx-rtmp keeps: " + token);
    try (BoundedProcess publisher =
        NginxRtmpSignedUrlEndToEndTest.publishWith(root, url("cam1", token), LONG_SECONDS)) {
      BoundedProcess.Exit refused = publisher.awaitExit(Duration.ofSeconds(LONG_SECONDS));
      assertNotEquals(0, refused.status(), context(refused));
      assertTrue(
          refused.took().compareTo(Duration.ofSeconds(LONG_SECONDS - 10)) < 0,
          "refused when it connects, not at the end: " + refused.took());
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5),
                "refused 403",
                "request=\"publish /live/cam1\"",
                "via=nginx-rtmp@127.0.0.1",
                "benign refusal")
            .isEmpty(),
        "a cut token is malformed, not a guess: " + host.audited("cam1"));
    assertTrue(host.audited("logon failed").isEmpty(), "no failed logon: " + host.audited("cam1"));
    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertTrue(
        host.host().eventLog().query(org.authhost.host.events.EventQuery.all()).stream()
            .noneMatch(e -> e.text().contains(signature.substring(0, 40))),
        "the token never reaches an event");
  }
}
