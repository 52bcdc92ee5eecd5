package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.StreamingTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx in front of a real host, configured with the documented recipe ({@code
 * docs/integrations/nginx-auth-request.conf}): curl and ffprobe fetch a file and an HLS playlist
 * with Basic and Digest, nginx asks AuthHost with {@code auth_request} over kept-alive upstream
 * connections, and the identity reaches the application behind nginx.
 */
class NginxAuthRequestTest {
  static final String REALM = "AuthHost";
  @TempDir static Path root;

  static StreamingHost host;
  static PrivateNginx nginx;
  static byte[] file;

  @BeforeAll
  static void start() throws Exception {
    StreamingTools.nginx(); // skipped (or failed on CI) without the packages, before any work
    StreamingTools.ffmpeg();
    StreamingTools.ffprobe();
    host =
        StreamingHost.start(
            root.resolve("host"),
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": {
                "directory": "../plugins",
                "settings": { "digest": { "enabled": true, "properties": {
                  "realm": "%s", "algorithms": "MD5" } } }
              },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "accounts": { "digestRealms": ["%1$s"] },
              "security": {
                "trustedProxies": ["127.0.0.1", "::1"],
                "lockout": { "threshold": 3, "addressThreshold": 500 }
              },
              "integrations": {
                "successAuditSeconds": 300,
                "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["hls", "app"],
                                      "identityHeader": "X-AuthHost-User" }
              },
              "publishingPoints": [
                { "name": "hls", "prefix": "/hls/", "plugins": ["digest", "basic"] },
                { "name": "app", "prefix": "/app/", "plugins": ["basic"],
                  "acl": [ { "type": "deny", "principal": "bob", "rights": ["read"] },
                           { "principal": "Users", "rights": ["read"] } ] }
              ]
            }
            """
                .formatted(REALM),
            List.of("authhost-plugin-basic.jar", "authhost-plugin-digest.jar"),
            "alice",
            "pw-alice",
            "bob",
            "pw-bob",
            "carol",
            "pw-carol",
            "dave",
            "pw-dave");
    Path prefix = root.resolve("nginx");
    Path hls = Files.createDirectories(prefix.resolve("html/hls"));
    file = new byte[1024];
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) ('a' + i % 26);
    }
    Files.write(hls.resolve("1k.txt"), file);
    makeHls(hls);
    nginx =
        PrivateNginx.start(
            prefix,
            List.of("http", "app"),
            ports -> {
              try {
                return new PrivateNginx.Blocks(
                    NginxRecipe.filled(
                            NginxRecipe.AUTH_REQUEST,
                            Map.of(
                                "@AUTHHOST@", "127.0.0.1:" + host.port(),
                                "@LISTEN@", "127.0.0.1:" + ports.get("http"),
                                "@ROOT@", prefix.resolve("html").toAbsolutePath().toString(),
                                "@APP@", "127.0.0.1:" + ports.get("app")),
                            Map.of())
                        // The application behind nginx: it answers with what it was told.
                        + """
                        server {
                            listen 127.0.0.1:%d;
                            location / {
                                return 200 "user=$http_x_user authorization=$http_authorization\\n";
                            }
                        }
                        """
                            .formatted(ports.get("app")),
                    null);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
  }

  /** A real, tiny HLS: two seconds of generated video in one-second segments. */
  private static void makeHls(Path dir) throws Exception {
    BoundedProcess.Exit made =
        BoundedProcess.run(
            root,
            Duration.ofSeconds(60),
            List.of(
                StreamingTools.ffmpeg().toString(),
                "-nostdin",
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=160x120:rate=10",
                "-t",
                "2",
                "-c:v",
                "libx264",
                "-g",
                "10",
                "-hls_time",
                "1",
                "-hls_playlist_type",
                "vod",
                "-f",
                "hls",
                dir.resolve("index.m3u8").toString()));
    assertEquals(0, made.status(), made.output());
  }

  @AfterAll
  static void stop() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    if (host != null) {
      host.stop();
    }
  }

  static String url(String path) {
    return "http://127.0.0.1:" + nginx.port("http") + path;
  }

  static CurlRun curl(String... args) throws Exception {
    return CurlRun.run(root, args);
  }

  @Test
  void basicGetsTheFile() throws Exception {
    CurlRun r = curl("-u", "alice:pw-alice", url("/hls/1k.txt"));
    assertEquals(200, r.status(), r.verbose() + nginx.errorLog());
    assertEquals(new String(file, "US-ASCII"), r.body());
    assertEquals(1, r.sent("Authorization: Basic ").size(), "curl -u sends Basic at once");
  }

  @Test
  void digestGetsTheFileCheckedAgainstTheOriginalUri() throws Exception {
    CurlRun r = curl("--digest", "-u", "alice:pw-alice", url("/hls/1k.txt"));
    assertEquals(200, r.status(), r.verbose() + nginx.errorLog());
    assertEquals(new String(file, "US-ASCII"), r.body());
    List<String> digest = r.sent("Authorization: Digest ");
    assertEquals(1, digest.size(), r.verbose());
    // The subrequest nginx sends is for /.authhost/nginx: the uri the client hashed is this one.
    assertTrue(digest.get(0).contains("uri=\"/hls/1k.txt\""), digest.toString());
    assertTrue(digest.get(0).contains("realm=\"" + REALM + "\""), digest.toString());
  }

  @Test
  void aWrongPasswordGets401WithTheChallengeOnce() throws Exception {
    CurlRun basic = curl("-u", "dave:wrong", url("/hls/1k.txt"));
    assertEquals(401, basic.status(), basic.verbose());
    List<String> challenges = basic.received("WWW-Authenticate:");
    assertEquals(1, challenges.size(), "nginx passes the challenge on, once: " + basic.verbose());
    assertTrue(challenges.get(0).contains("Digest realm=\"" + REALM + "\""), challenges.toString());

    CurlRun digest = curl("--digest", "-u", "dave:wrong", url("/hls/1k.txt"));
    assertEquals(401, digest.status(), digest.verbose());
    assertEquals(1, digest.sent("Authorization: Digest ").size(), digest.verbose());
    assertEquals(
        2,
        digest.received("WWW-Authenticate:").size(),
        "one challenge on each of the two 401s: " + digest.verbose());
    assertFalse(
        host.awaitAudited(Duration.ofSeconds(5), "dave").isEmpty(),
        "the failed logons are audited: " + host.audited());
  }

  @Test
  void theIdentityReachesTheApplicationAndNotThePassword() throws Exception {
    CurlRun r = curl("-u", "alice:pw-alice", "-H", "X-User: Administrator", url("/app/whoami"));
    assertEquals(200, r.status(), r.verbose() + nginx.errorLog());
    assertEquals("user=alice authorization=\n", r.body());
  }

  @Test
  void anAccountTheAclRefusesGets403() throws Exception {
    CurlRun r = curl("-u", "bob:pw-bob", url("/app/whoami"));
    assertEquals(403, r.status(), r.verbose());
    assertEquals(
        200, curl("-u", "bob:pw-bob", url("/hls/1k.txt")).status(), "bob may read the other");
  }

  @Test
  void aLockedOutAccountGets403WithRetryAfterPassedOn() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(401, curl("-u", "carol:wrong", url("/hls/1k.txt")).status());
    }
    CurlRun locked = curl("-u", "carol:pw-carol", url("/hls/1k.txt"));
    assertEquals(403, locked.status(), "nginx turns anything but 2xx/401/403 into 500");
    List<String> retry = locked.received("Retry-After:");
    assertEquals(1, retry.size(), locked.verbose());
    assertTrue(retry.get(0).matches("(?i)Retry-After: [1-9][0-9]*"), retry.toString());
    assertEquals(
        List.of("X-AuthHost-Reason: locked-out"),
        locked.received("X-AuthHost-Reason:"),
        locked.verbose());
  }

  @Test
  void aClientPostWithABodyIsAnsweredNotHung() throws Exception {
    CurlRun r = curl("-u", "alice:pw-alice", "--data-binary", "x".repeat(4096), url("/hls/1k.txt"));
    // Reading is all the ACL grants: the POST is refused by AuthHost, not by a timed-out check.
    assertEquals(403, r.status(), r.verbose() + nginx.errorLog());
  }

  @Test
  void ffprobeReadsTheHlsPlaylistWithDigestCountingNonces() throws Exception {
    BoundedProcess.Exit probe =
        BoundedProcess.run(
            root,
            Duration.ofSeconds(60),
            List.of(
                StreamingTools.ffprobe().toString(),
                "-hide_banner",
                "-v",
                "error",
                "-show_entries",
                "format=duration:stream=codec_name,width,height",
                "-of",
                "default=noprint_wrappers=1",
                "http://alice:pw-alice@127.0.0.1:" + nginx.port("http") + "/hls/index.m3u8"));
    assertEquals(0, probe.status(), probe.output() + "\n" + nginx.accessLog());
    assertTrue(probe.output().contains("codec_name=h264"), probe.output());
    assertTrue(probe.output().contains("width=160"), probe.output());
    // What ffprobe sent: a challenge first, then Digest on the playlist and on its segments,
    // counting nc up on the same nonce.
    List<String> digest =
        nginx.accessLog().stream().filter(l -> l.contains("Digest username=\"alice\"")).toList();
    assertTrue(digest.stream().anyMatch(l -> l.contains("/hls/index.m3u8")), digest.toString());
    assertTrue(digest.stream().anyMatch(l -> l.contains(".ts ")), digest.toString());
    assertTrue(digest.stream().allMatch(l -> l.startsWith("200 ")), digest.toString());
    Pattern nc = Pattern.compile("nonce=\"([^\"]+)\".*nc=([0-9a-f]{8})");
    List<String> counted =
        digest.stream()
            .map(nc::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1) + "/" + Integer.parseInt(m.group(2), 16))
            .toList();
    assertTrue(
        counted.stream().anyMatch(c -> c.endsWith("/2")) && counted.stream().distinct().count() > 1,
        "ffprobe counts nc up on one nonce, and every count is accepted: " + counted);
  }

  @Test
  void theCheckIsAuditedWithTheOriginalUriAndClient() throws Exception {
    assertEquals(200, curl("-u", "alice:pw-alice", url("/hls/1k.txt?audit=1")).status());
    List<String> lines = host.awaitAudited(Duration.ofSeconds(5), "alice", "client=127.0.0.1");
    assertFalse(lines.isEmpty(), "audited: " + host.audited());
  }
}
