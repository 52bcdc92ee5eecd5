package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.authhost.host.bench.LoadTool;
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
class NginxAuthRequestEndToEndTest {
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
            "pw-dave",
            "frank",
            "pw-frank",
            "gina",
            "pw-gina");
    Path prefix = root.resolve("nginx");
    Path hls = Files.createDirectories(prefix.resolve("html/hls"));
    file = new byte[1024];
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) ('a' + i % 26);
    }
    Files.write(hls.resolve("1k.txt"), file);
    // Outside the protected locations, as the bench's root has them: never to be served unchecked.
    Files.write(Files.createDirectories(prefix.resolve("html/basic")).resolve("1k.txt"), file);
    Files.write(prefix.resolve("html/1k.txt"), file);
    makeHls(hls);
    nginx = startNginx(prefix, Map.of());
  }

  /**
   * nginx with the documented recipe, {@code edits} made to it, and the application behind it (an
   * nginx server that answers with what it was told).
   */
  static PrivateNginx startNginx(Path prefix, Map<String, String> edits) throws Exception {
    return PrivateNginx.start(
        prefix,
        List.of("http", "app"),
        ports -> {
          try {
            return new PrivateNginx.Blocks(
                "proxy_cache_path %s keys_zone=authhost:1m;\n"
                        .formatted(prefix.resolve("tmp/cache").toAbsolutePath())
                    + NginxRecipe.filled(
                        NginxRecipe.AUTH_REQUEST,
                        Map.of(
                            "@AUTHHOST@", "127.0.0.1:" + host.port(),
                            "@LISTEN@", "127.0.0.1:" + ports.get("http"),
                            "@ROOT@", prefix.resolve("html").toAbsolutePath().toString(),
                            "@APP@", "127.0.0.1:" + ports.get("app")),
                        edits)
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
    BoundedProcess.Exit made = StreamingTools.makeHlsRendition(root, dir, "libx264");
    assertEquals(0, made.status(), made.output());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (nginx != null) {
        nginx.close();
      }
    } finally {
      if (host != null) {
        host.stop();
      }
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

  /**
   * The recipe checks every request to the server, not only its {@code /hls/} and {@code /app/}
   * locations: a file elsewhere under the root is under no publishing point, so it is refused, with
   * or without credentials, and the refusal is audited.
   */
  @Test
  void aFileOutsideTheProtectedLocationsIsNeverServedUnchecked() throws Exception {
    for (String path : List.of("/basic/1k.txt", "/1k.txt", "/hls/../basic/1k.txt")) {
      CurlRun anonymous = curl("--path-as-is", url(path));
      assertEquals(403, anonymous.status(), path + ": " + anonymous.verbose() + nginx.errorLog());
      assertFalse(anonymous.body().contains(new String(file, "US-ASCII")), anonymous.body());
      CurlRun logged = curl("--path-as-is", "-u", "alice:pw-alice", url(path));
      assertEquals(403, logged.status(), path + ": " + logged.verbose());
    }
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5),
                "refused 403: client=127.0.0.1",
                "request=\"GET /basic/1k.txt\"",
                "via=nginx auth_request@127.0.0.1",
                "no publishing point for stream")
            .isEmpty(),
        host.audited("basic").toString());
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
    // The account as the host names it (DOMAIN\\name, the domain being serverName).
    assertEquals("user=TESTHOST\\alice authorization=\n", r.body());
  }

  @Test
  void anAccountTheAclRefusesGets403() throws Exception {
    CurlRun r = curl("-u", "bob:pw-bob", url("/app/whoami"));
    assertEquals(403, r.status(), r.verbose());
    assertFalse(
        host.awaitAudited(
                Duration.ofSeconds(5),
                "refused 403: client=127.0.0.1 point=app request=\"GET /app/whoami\"",
                "via=nginx auth_request@127.0.0.1",
                "bob by the ACL")
            .isEmpty(),
        host.audited("bob").toString());
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
  void ffprobeReadsTheHlsPlaylistAndEverySegmentWithDigest() throws Exception {
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
    // What ffprobe sent: Digest (the challenge nginx passed on), for the playlist and for each of
    // its segments, each hashed with its own URI, all served.
    List<String> files = new java.util.ArrayList<>(List.of("index.m3u8"));
    Files.readAllLines(nginx.html().resolve("hls/index.m3u8")).stream()
        .filter(l -> l.endsWith(".ts"))
        .forEach(files::add);
    assertTrue(files.size() > 2, files.toString());
    List<String> log = nginx.accessLog();
    for (String f : files) {
      String path = "/hls/" + f;
      assertTrue(
          log.stream()
              .anyMatch(
                  l ->
                      l.matches("20[06] GET " + Pattern.quote(path) + " .*")
                          && l.contains("Digest username=\"alice\"")
                          && l.contains("uri=\"" + path + "\"")),
          path + " read with Digest: " + log);
    }
  }

  /**
   * The optional cache of the recipe, switched on: a success is served from nginx's cache after the
   * account is disabled (the revocation delay the page warns of), while the recipe as shipped
   * refuses at once.
   */
  @Test
  void theOptionalCacheWorksAndDelaysARevocationAsDocumented() throws Exception {
    Path prefix = root.resolve("nginx-cached");
    Files.createDirectories(prefix.resolve("html/hls"));
    Files.write(prefix.resolve("html/hls/1k.txt"), file);
    try (PrivateNginx cached =
        startNginx(
            prefix,
            Map.of(
                "#proxy_cache authhost;", "proxy_cache authhost;",
                "#proxy_cache_key ", "proxy_cache_key ",
                "#proxy_cache_valid 200 10s;", "proxy_cache_valid 200 120s;",
                "#proxy_ignore_headers ", "proxy_ignore_headers "))) {
      String cachedUrl = "http://127.0.0.1:" + cached.port("http") + "/hls/1k.txt";
      assertEquals(200, curl("-u", "gina:pw-gina", cachedUrl).status(), cached.errorLog());
      host.disable("gina");
      awaitRefusedByTheHost("gina:pw-gina", "/hls/1k.txt");
      assertEquals(
          200,
          curl("-u", "gina:pw-gina", cachedUrl).status(),
          "served from nginx's cache: the revocation waits for the entry to expire");
      assertEquals(
          401,
          curl("-u", "gina:pw-gina", url("/hls/1k.txt")).status(),
          "without the cache the disabled account is refused at once");
      assertEquals(
          401,
          curl("-u", "gina:wrong", cachedUrl).status(),
          "other credentials are another entry: checked, and refused");
    }
  }

  /** Asks the host directly, as nginx would, until it refuses (its poller reads the store). */
  static void awaitRefusedByTheHost(String credentials, String uri) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    List<Integer> seen = new java.util.ArrayList<>();
    while (System.nanoTime() < deadline) {
      CurlRun r =
          curl(
              "-u",
              credentials,
              "-H",
              "X-Original-URI: " + uri,
              "-H",
              "X-Original-Method: GET",
              "-H",
              "X-Forwarded-For: 127.0.0.1",
              "http://127.0.0.1:" + host.port() + "/.authhost/nginx");
      seen.add(r.status());
      if (r.status() != 200) {
        return;
      }
      Thread.sleep(50); // a poll interval: the host's reload is what is waited for
    }
    throw new AssertionError("the host did not refuse " + credentials + " within 15 s: " + seen);
  }

  /**
   * curl and ffprobe (as installed) take a new challenge for every file, so nc stays at 1: a
   * keep-alive client that counts nc up on one nonce is played here with hand-made headers, sent
   * through the real nginx. Each count passes its own subrequest; a count sent again, or a header
   * made for another URI, does not.
   */
  @Test
  void ncCountedUpOnOneNonceIsAcceptedAndAReplayIsNot() throws Exception {
    CurlRun challenge = curl(url("/hls/1k.txt"));
    assertEquals(401, challenge.status());
    LoadTool.DigestClient client =
        LoadTool.DigestClient.from(
            challenge.received("WWW-Authenticate:").stream()
                .map(h -> h.substring(h.indexOf(':') + 1).strip())
                .toList(),
            "alice:pw-alice",
            "MD5");
    List<String> headers =
        List.of(
            client.next("/hls/1k.txt"), client.next("/hls/index.m3u8"), client.next("/hls/1k.txt"));
    assertTrue(headers.get(2).contains("nc=00000003"), headers.get(2));
    List<String> paths = List.of("/hls/1k.txt", "/hls/index.m3u8", "/hls/1k.txt");
    for (int i = 0; i < 3; i++) {
      CurlRun r = curl("-H", "Authorization: " + headers.get(i), url(paths.get(i)));
      assertEquals(200, r.status(), "nc=" + (i + 1) + ": " + r.verbose());
    }
    assertEquals(
        401,
        curl("-H", "Authorization: " + headers.get(1), url("/hls/index.m3u8")).status(),
        "nc=2 a second time is a replay");
    String forOther = client.next("/hls/1k.txt");
    assertEquals(
        401,
        curl("-H", "Authorization: " + forOther, url("/hls/index.m3u8")).status(),
        "hashed for /hls/1k.txt, sent for /hls/index.m3u8: the original URI is what counts");
  }

  @Test
  void theAuditNamesTheClientBehindNginxAndNginxAsTheCaller() throws Exception {
    // The client on another loopback address: nginx reports it in X-Forwarded-For.
    CurlRun r = curl("--interface", "127.0.0.2", "-u", "frank:wrong", url("/hls/1k.txt?x=1"));
    assertEquals(401, r.status(), r.verbose());
    List<String> lines =
        host.awaitAudited(
            Duration.ofSeconds(5),
            "logon failed: client=127.0.0.2 ",
            "request=\"GET /hls/1k.txt",
            "via=nginx auth_request@127.0.0.1",
            "account=\"TESTHOST\\\\frank\"");
    assertEquals(1, lines.size(), "audited: " + host.audited("frank"));
  }
}
