package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertFalse;
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

  static final int LONG_SECONDS = RtmpFfmpeg.LONG_SECONDS;

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
    nginx = NginxRecipe.startRtmp(root.resolve("nginx"), host.port(), Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    Teardown.inOrder(
        Teardown.ifStarted(nginx, PrivateNginx::close),
        Teardown.ifStarted(host, StreamingHost::stop),
        Teardown.ifStarted(provider, OidcProvider::close));
  }

  static String url(String stream, String token) {
    return "rtmp://127.0.0.1:" + nginx.port("rtmp") + "/live/" + stream + "?access_token=" + token;
  }

  static String context(BoundedProcess.Exit exit) {
    return RtmpFfmpeg.context(exit, nginx, host);
  }

  @Test
  void aJwtInAStreamUrlIsCutByNginxRtmpAndRefusedWhenItConnects() throws Exception {
    String token = provider.token(CAROL);
    assertTrue(token.length() > 255, "a real JWT is longer than nginx-rtmp keeps: " + token);
    try (BoundedProcess publisher = RtmpFfmpeg.publish(root, url("cam1", token), LONG_SECONDS)) {
      RtmpFfmpeg.assertRefusedWhenItConnects(publisher, nginx, host);
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
