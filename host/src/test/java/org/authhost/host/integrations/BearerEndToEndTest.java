package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.OidcProvider;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.StreamingTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bearer plug-in through the running host with tokens from a real OpenID provider ({@link
 * OidcProvider}: oidc-provider 8 on Node.js, client-credentials grant), fetched with curl and
 * ffmpeg/ffprobe, and through the MediaMTX contract's {@code token}. The host and the plug-in run
 * on {@link #clock}, which starts at the real time (the provider signs real times) and moves only
 * when a test moves it.
 */
class BearerEndToEndTest {
  static final Duration TTL = Duration.ofSeconds(600);
  static final OidcProvider.Client ALICE =
      new OidcProvider.Client("player-alice", "alice-secret", "{\"preferred_username\":\"alice\"}");
  static final OidcProvider.Client NOBODY =
      new OidcProvider.Client("player-x", "x-secret", "{\"preferred_username\":\"nobody\"}");

  @TempDir static Path root;
  static final MutableClock clock = new MutableClock(Instant.now());
  static final OidcProvider.Key k1 = OidcProvider.rsaKey("k1");
  static final OidcProvider.Key k2 = OidcProvider.rsaKey("k2");
  static OidcProvider provider;
  static int providerPort;
  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    providerPort = OidcProvider.freePort();
    provider = OidcProvider.start(root, providerPort, List.of(k1), TTL, List.of(ALICE, NOBODY));
    host =
        BearerHost.start(
            root,
            """
            { "capabilities": ["token-without-credential"],
              "properties": { "realm": "media", "issuer": "%s", "audience": "%s",
                "refetchIntervalSeconds": "30", "clockSkewSeconds": "5" } }
            """
                .formatted(provider.issuer(), OidcProvider.AUDIENCE),
            """
            "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
            "publishingPoints": [
              { "name": "b", "prefix": "/b/", "directory": "../media", "plugins": ["bearer"],
                "acl": [ { "principal": "alice", "rights": ["read"] } ] },
              { "name": "hls", "prefix": "/hls/", "plugins": ["bearer"],
                "acl": [ { "principal": "alice", "rights": ["read"] } ] },
              { "name": "app", "prefix": "/app/", "plugins": ["bearer"] }
            ],
            "integrations": {
              "mediamtx": { "path": "/.authhost/mediamtx", "streamPrefix": "/b/",
                            "tokenScheme": "Bearer", "callers": ["127.0.0.1"] },
              "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["hls", "app"] }
            }
            """,
            clock);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Teardown.inOrder(
        Teardown.ifStarted(host, AuthHost::stop),
        Teardown.ifStarted(provider, OidcProvider::close));
  }

  static String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  static Response get(String path, String authorization) throws Exception {
    return BearerHost.get(port, path, authorization);
  }

  static List<EventRecord> audit(String containing) throws Exception {
    return BearerHost.audited(host, containing);
  }

  @Test
  void curlWithAProviderTokenIsServedAndAuditedAsALogonOfTheClaimedAccount() throws Exception {
    String token = provider.token(ALICE);
    CurlRun r = CurlRun.run(root, "-H", "Authorization: Bearer " + token, url("/b/hello.txt"));
    assertEquals(List.of(200), r.statuses(), r.verbose());
    assertEquals("hello, bearer\n", r.body());
    assertTrue(
        audit("logon succeeded").stream()
            .anyMatch(e -> e.text().contains("protocol=Bearer") && e.text().contains("alice")),
        audit("").toString());
  }

  @Test
  void aTokenInTheQueryIsIgnoredUnlessTheOperatorNamesTheParameter() throws Exception {
    Response r = get("/b/hello.txt?access_token=" + provider.token(ALICE), null);
    assertEquals(401, r.status(), "off by default");
    assertEquals(List.of("Bearer realm=\"media\""), r.values("WWW-Authenticate"));
  }

  @Test
  void withoutATokenTheChallengeIsTheRealmOnly() throws Exception {
    Response r = get("/b/hello.txt", null);
    assertEquals(401, r.status());
    assertEquals(List.of("Bearer realm=\"media\""), r.values("WWW-Authenticate"));
  }

  @Test
  void aTokenForAnotherAudienceIsInvalidTokenAndNotAFailedLogon() throws Exception {
    String other = provider.token(ALICE, "urn:another:api");
    Response r = get("/b/hello.txt", "Bearer " + other);
    assertEquals(401, r.status());
    assertEquals(
        List.of(
            "Bearer realm=\"media\", error=\"invalid_token\","
                + " error_description=\"the token is not for this audience\""),
        r.values("WWW-Authenticate"));
  }

  @Test
  void malformedTokensAre401NeverA5xx() throws Exception {
    String good = provider.token(ALICE);
    String[] p = good.split("\\.");
    String noneHeader =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
    String hugeKid =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                ("{\"alg\":\"RS256\",\"kid\":\"" + "k".repeat(3000) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
    for (String bad :
        List.of(
            "x",
            p[0] + "." + p[1],
            good + ".x",
            "%%%." + p[1] + "." + p[2],
            noneHeader + "." + p[1] + ".",
            hugeKid + "." + p[1] + "." + p[2],
            p[0] + "." + p[1] + "." + p[2].substring(0, p[2].length() - 4) + "AAAA")) {
      Response r = get("/b/hello.txt", "Bearer " + bad);
      assertEquals(401, r.status(), bad);
      assertTrue(
          r.values("WWW-Authenticate").get(0).contains("error=\"invalid_token\""),
          r.values("WWW-Authenticate").toString());
    }
  }

  @Test
  void aVerifiedTokenWhoseAccountIsUnknownIsRefused() throws Exception {
    Response r = get("/b/hello.txt", "Bearer " + provider.token(NOBODY));
    assertEquals(401, r.status());
    assertTrue(
        host.eventLog().query(EventQuery.all().withSource("bearer")).stream()
            .anyMatch(e -> e.level() == EventLevel.WARNING && e.text().contains("'nobody'")));
  }

  @Test
  void ffprobeAndFfmpegFetchAnHlsRenditionWithTheBearerHeader() throws Exception {
    StreamingTools.ffmpeg();
    Path hls = Files.createDirectories(root.resolve("media/hls"));
    BoundedProcess.Exit made = StreamingTools.makeHlsRendition(root, hls, "mpeg2video");
    assertEquals(0, made.status(), made.output());
    String header = "Authorization: Bearer " + provider.token(ALICE) + "\r\n";
    BoundedProcess.Exit probe =
        BoundedProcess.run(
            root,
            Duration.ofSeconds(60),
            List.of(
                StreamingTools.ffprobe().toString(),
                "-hide_banner",
                "-v",
                "error",
                "-headers",
                header,
                "-show_entries",
                "stream=codec_name",
                "-of",
                "csv=p=0",
                url("/b/hls/index.m3u8")));
    assertEquals(0, probe.status(), probe.output());
    assertTrue(probe.output().contains("mpeg2video"), probe.output());
    BoundedProcess.Exit fetch =
        BoundedProcess.run(
            root,
            Duration.ofSeconds(60),
            List.of(
                StreamingTools.ffmpeg().toString(),
                "-nostdin",
                "-hide_banner",
                "-loglevel",
                "error",
                "-headers",
                header,
                "-i",
                url("/b/hls/index.m3u8"),
                "-c",
                "copy",
                "-f",
                "null",
                "-"));
    assertEquals(0, fetch.status(), fetch.output());
    long segments;
    try (var files = Files.list(hls)) {
      segments = files.filter(f -> f.toString().endsWith(".ts")).count();
    }
    assertTrue(segments >= 2, "a rendition of several segments");
    BoundedProcess.Exit refused =
        BoundedProcess.run(
            root,
            Duration.ofSeconds(60),
            List.of(
                StreamingTools.ffprobe().toString(),
                "-hide_banner",
                "-v",
                "error",
                url("/b/hls/index.m3u8")));
    assertTrue(refused.status() != 0, "without the token: " + refused.output());
    assertTrue(refused.output().contains("401"), refused.output());
  }

  @Test
  void theMediaMtxContractsTokenIsCheckedAsABearerToken() throws Exception {
    String token = provider.token(ALICE);
    assertEquals(200, mediamtx(token, "read").status());
    assertEquals(403, mediamtx(token, "publish").status(), "alice may only read");
    assertEquals(401, mediamtx(provider.token(ALICE, "urn:another:api"), "read").status());
  }

  @Test
  void nginxAuthRequestPassesTheBearerHeaderToTheHost() throws Exception {
    StreamingTools.nginx();
    Path prefix = root.resolve("nginx");
    Path hls = Files.createDirectories(prefix.resolve("html/hls"));
    Files.writeString(hls.resolve("1k.txt"), "k".repeat(1024));
    try (PrivateNginx nginx = NginxRecipe.startWithoutApp(prefix, port)) {
      String url = "http://127.0.0.1:" + nginx.port("http") + "/hls/1k.txt";
      CurlRun ok = CurlRun.run(root, "-H", "Authorization: Bearer " + provider.token(ALICE), url);
      assertEquals(List.of(200), ok.statuses(), ok.verbose() + nginx.errorLog());
      assertEquals("k".repeat(1024), ok.body());
      CurlRun none = CurlRun.run(root, url);
      assertEquals(List.of(401), none.statuses(), none.verbose());
      assertTrue(
          none.verbose().toLowerCase().contains("www-authenticate: bearer realm=\"media\""),
          none.verbose());
      CurlRun other =
          CurlRun.run(
              root, "-H", "Authorization: Bearer " + provider.token(ALICE, "urn:another:api"), url);
      assertEquals(List.of(401), other.statuses(), other.verbose());
      assertTrue(other.verbose().contains("error=\"invalid_token\""), other.verbose());
    }
  }

  static Response mediamtx(String token, String action) throws Exception {
    String json =
        """
        {"ip":"127.0.0.1","user":"","password":"","token":"%s","action":"%s","path":"hls",\
        "protocol":"hls","id":"4f1c2d9e-0b7a-4c55-9a57-0d0f3c2b1a11","query":"","userAgent":"ffmpeg"}"""
            .formatted(token, action);
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.send(
          "POST /.authhost/mediamtx HTTP/1.1\nHost: 127.0.0.1:"
              + port
              + "\nUser-Agent: Go-http-client/1.1\nContent-Type: application/json",
          json.getBytes(StandardCharsets.UTF_8));
    }
  }
}
