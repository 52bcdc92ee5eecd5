package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.StreamingTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx-rtmp, configured with the documented recipe ({@code
 * docs/integrations/nginx-rtmp.conf}), asking a real host on every publish, play and update; ffmpeg
 * publishes and plays with the user name and password in the stream URL, as encoders do. Every
 * stream has a name of its own, so the tests do not meet in nginx.
 */
class NginxRtmpEndToEndTest {
  @TempDir static Path root;

  static StreamingHost host;
  static PrivateNginx nginx;

  /** kim's stream key, as an operator hands it to an encoder (OBS: "Stream Key"). */
  static final String STREAM_KEY = "k7-3f9a2c41d0";

  static String sha256Hex(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** How long an accepted publish runs (ffmpeg -re: in real time). */
  static final int SHORT_SECONDS = 3;

  static final int LONG_SECONDS = RtmpFfmpeg.LONG_SECONDS;

  @BeforeAll
  static void start() throws Exception {
    StreamingTools.nginx(); // skipped (or failed on CI) without the packages, before any work
    StreamingTools.rtmpModule();
    StreamingTools.ffmpeg();
    host =
        StreamingHost.start(
            root.resolve("host"),
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": { "api-key": { "properties": {
                "keys": "kim=%s", "realm": "ingest" } } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": {
                "lockout": { "threshold": 50, "addressThreshold": 500 }
              },
              "integrations": {
                "successAuditSeconds": 300,
                "nginxRtmp": { "path": "/.authhost/nginx-rtmp", "streamPrefix": "/",
                               "checkConnect": false, "userParam": "user", "passwordParam": "pass",
                               "schemeParams": { "key": "ApiKey" } }
              },
              "publishingPoints": [
                { "name": "live", "prefix": "/live/", "plugins": ["basic", "api-key"],
                  "acl": [ { "principal": "Users", "rights": ["read"] },
                           { "principal": "alice", "rights": ["read", "write"] },
                           { "principal": "dave", "rights": ["read", "write"] },
                           { "principal": "erin", "rights": ["read", "write"] },
                           { "principal": "kim", "rights": ["read", "write"] } ] }
              ]
            }
            """
                .formatted(sha256Hex(STREAM_KEY)),
            List.of("authhost-plugin-basic.jar"),
            // The sample stream-key plug-in, built from its sources as an author's JAR.
            List.of(Path.of("..", "samples", "api-key")),
            "alice",
            "pw-alice",
            "bob",
            "pw-bob",
            "dave",
            "pw-dave",
            "erin",
            "pw-erin",
            "kim",
            "pw-kim");
    nginx =
        NginxRecipe.startRtmp(
            root.resolve("nginx"),
            host.port(),
            // Re-checks every second, so that a cut comes within the test's bound.
            Map.of("notify_update_timeout 30s;", "notify_update_timeout 1s;"));
  }

  @AfterAll
  static void stop() throws Exception {
    Teardown.inOrder(
        Teardown.ifStarted(nginx, PrivateNginx::close),
        Teardown.ifStarted(host, StreamingHost::stop));
  }

  static String url(String stream, String user, String password) {
    return "rtmp://127.0.0.1:"
        + nginx.port("rtmp")
        + "/live/"
        + stream
        + "?user="
        + user
        + "&pass="
        + password;
  }

  static BoundedProcess publish(String url, int seconds) throws Exception {
    return RtmpFfmpeg.publish(root, url, seconds);
  }

  static BoundedProcess play(String url, int frames) throws Exception {
    return RtmpFfmpeg.play(root, url, frames);
  }

  static String context(BoundedProcess.Exit exit) {
    return RtmpFfmpeg.context(exit, nginx, host);
  }

  @Test
  void goodCredentialsPublishAndAPlayerWatches() throws Exception {
    try (BoundedProcess publisher = publish(url("cam1", "alice", "pw-alice"), SHORT_SECONDS + 3);
        BoundedProcess player = play(url("cam1", "bob", "pw-bob"), 10)) {
      BoundedProcess.Exit played = player.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, played.status(), context(played));
      assertTrue(played.output().contains("Video: h264"), played.output());
      BoundedProcess.Exit published = publisher.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, published.status(), context(published));
    }
    assertFalse(
        host.audited(
                "logon succeeded: client=127.0.0.1 point=live request=\"publish /live/cam1\"",
                "via=nginx-rtmp@127.0.0.1",
                "alice")
            .isEmpty(),
        "the publish is audited: " + host.audited());
    assertFalse(
        host.audited("logon succeeded", "request=\"play /live/cam1\"", "bob").isEmpty(),
        "so is the play: " + host.audited());
  }

  @Test
  void aWrongPasswordIsRefusedAtOnce() throws Exception {
    try (BoundedProcess publisher = publish(url("cam2", "alice", "wrong"), LONG_SECONDS)) {
      RtmpFfmpeg.assertRefusedWhenItConnects(publisher, nginx, host);
    }
    assertFalse(
        host.awaitAudited(Duration.ofSeconds(5), "alice", "cam2").isEmpty(),
        "the refusal names the account and the stream: " + host.audited());
  }

  @Test
  void aStreamKeyInTheUrlPublishesAndAWrongOneIsRefused() throws Exception {
    String base = "rtmp://127.0.0.1:" + nginx.port("rtmp") + "/live/";
    try (BoundedProcess publisher = publish(base + "cam7?key=" + STREAM_KEY, 1)) {
      BoundedProcess.Exit accepted = publisher.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, accepted.status(), context(accepted));
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5),
                "logon succeeded",
                "request=\"publish /live/cam7\"",
                "kim",
                "protocol=ApiKey")
            .isEmpty(),
        host.audited("cam7").toString());
    try (BoundedProcess publisher = publish(base + "cam8?key=not-" + STREAM_KEY, LONG_SECONDS)) {
      BoundedProcess.Exit refused = publisher.awaitExit(Duration.ofSeconds(LONG_SECONDS));
      assertNotEquals(0, refused.status(), context(refused));
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5),
                "logon failed: client=127.0.0.1 point=live request=\"publish /live/cam8\"",
                "via=nginx-rtmp@127.0.0.1",
                "protocol=ApiKey")
            .isEmpty(),
        "the wrong key reached the key plug-in and was refused there: " + host.audited("cam8"));
  }

  @Test
  void aPlayerMayNotPublish() throws Exception {
    try (BoundedProcess publisher = publish(url("cam3", "bob", "pw-bob"), LONG_SECONDS)) {
      BoundedProcess.Exit refused = publisher.awaitExit(Duration.ofSeconds(LONG_SECONDS));
      assertNotEquals(0, refused.status(), context(refused));
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5),
                "refused 403: client=127.0.0.1 point=live request=\"publish /live/cam3\"",
                "via=nginx-rtmp@127.0.0.1",
                "bob by the ACL")
            .isEmpty(),
        "bob logged on and the ACL refused him writing: " + host.audited("cam3"));
  }

  @Test
  void aPlayerWithAWrongPasswordIsRefused() throws Exception {
    try (BoundedProcess player = play(url("cam6", "bob", "wrong"), 10)) {
      BoundedProcess.Exit refused = player.awaitExit(Duration.ofSeconds(LONG_SECONDS));
      assertNotEquals(0, refused.status(), context(refused));
    }
    assertFalse(
        host.awaitAudited(Duration.ofSeconds(5), "logon failed", "request=\"play /live/cam6\"")
            .isEmpty(),
        host.audited("cam6").toString());
  }

  @Test
  void aDisabledAccountIsRefusedAgain() throws Exception {
    try (BoundedProcess publisher = publish(url("cam4", "dave", "pw-dave"), 1)) {
      BoundedProcess.Exit accepted = publisher.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, accepted.status(), context(accepted));
    }
    host.disable("dave");
    awaitRefused("dave", "pw-dave", "cam4");
    int before = host.audited("logon failed", "request=\"publish /live/cam4\"").size();
    try (BoundedProcess publisher = publish(url("cam4", "dave", "pw-dave"), LONG_SECONDS)) {
      BoundedProcess.Exit refused = publisher.awaitExit(Duration.ofSeconds(LONG_SECONDS));
      assertNotEquals(0, refused.status(), context(refused));
    }
    assertEquals(
        before + 1,
        host.awaitMoreAudited(
                before, Duration.ofSeconds(5), "logon failed", "request=\"publish /live/cam4\"")
            .size(),
        "ffmpeg's publish reached the host and was refused there: " + host.audited("cam4"));
  }

  @Test
  void onUpdateCutsARunningPublishWhenTheAccountIsDisabled() throws Exception {
    try (BoundedProcess publisher = publish(url("cam5", "erin", "pw-erin"), LONG_SECONDS)) {
      assertFalse(
          host.awaitAudited(Duration.ofSeconds(20), "erin", "cam5").isEmpty(),
          "the publish is accepted first: " + host.audited() + publisher.output());
      assertTrue(publisher.isAlive(), publisher.output());
      host.disable("erin");
      BoundedProcess.Exit cut = publisher.awaitExit(Duration.ofSeconds(LONG_SECONDS));
      assertTrue(
          cut.took().compareTo(Duration.ofSeconds(LONG_SECONDS - 5)) < 0,
          "cut by on_update, not at its end: " + cut.took() + "\n" + context(cut));
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5), "logon failed", "request=\"update_publish /live/cam5\"")
            .isEmpty(),
        "the update that cut it is audited: " + host.audited("cam5"));
  }

  /**
   * Waits, bounded, until the host has read the disabled account from the store (its poller looks
   * every second): the endpoint nginx-rtmp calls refuses the publish it sends.
   */
  static void awaitRefused(String user, String password, String stream) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    List<Integer> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      CurlRun r =
          CurlRun.run(
              root,
              "-H",
              "Connection: close",
              "--data",
              "call=publish&app=live&name="
                  + stream
                  + "&type=live&addr=127.0.0.1&clientid=1&user="
                  + user
                  + "&pass="
                  + password,
              "http://127.0.0.1:" + host.port() + "/.authhost/nginx-rtmp");
      seen.add(r.status());
      if (r.status() == 403) {
        return;
      }
      Thread.sleep(50); // a poll interval: the host's reload is what is waited for
    }
    throw new AssertionError("the host did not refuse " + user + " within 15 s: " + seen);
  }
}
