package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.OidcProvider;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.StreamingTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bearer token in a URL query parameter ({@code ?access_token=<JWT>}, RFC 6750 §2.3), for players
 * that cannot set a header: the operator names the parameter ({@code
 * plugins.settings.bearer.urlCredentials}), the host routes it to the plug-in (API 1.4), and the
 * token is removed from what the proxy forwards and from the audit. Tokens from a real OpenID
 * provider; curl, ffprobe and ffmpeg as clients; a real origin behind the proxy.
 */
class BearerUrlTokenEndToEndTest {
  static final Duration TTL = Duration.ofSeconds(600);
  static final OidcProvider.Client ALICE =
      new OidcProvider.Client("player-alice", "alice-secret", "{\"preferred_username\":\"alice\"}");

  @TempDir static Path root;
  static final MutableClock clock = new MutableClock(Instant.now());
  static OidcProvider provider;
  static AuthHost host;
  static int port;
  static HttpServer origin;
  static final List<String> originSaw = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext(
        "/base/",
        exchange -> {
          synchronized (originSaw) {
            originSaw.add(exchange.getRequestURI().toString());
          }
          byte[] body = "from the origin\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    origin.start();
    provider = BearerHost.provider(root, ALICE);
    host =
        BearerHost.start(
            root,
            """
            { "capabilities": ["token-without-credential"],
              "urlCredentials": ["access_token"],
              "properties": { "realm": "media", "issuer": "%s", "audience": "%s",
                "clockSkewSeconds": "5" } }
            """
                .formatted(provider.issuer(), OidcProvider.AUDIENCE),
            """
            "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
            "publishingPoints": [
              { "name": "b", "prefix": "/b/", "directory": "../media", "plugins": ["bearer"],
                "acl": [ { "principal": "alice", "rights": ["read"] } ] },
              { "name": "origin", "prefix": "/origin/", "origin": "http://127.0.0.1:%d/base/",
                "plugins": ["bearer"], "acl": [ { "principal": "alice", "rights": ["read"] } ] }
            ],
            "integrations": {
              "srs": { "path": "/.authhost/srs", "streamPrefix": "/b/", "callers": ["127.0.0.1"] }
            }
            """
                .formatted(origin.getAddress().getPort()),
            clock);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Teardown.inOrder(
        Teardown.ifStarted(host, AuthHost::stop),
        Teardown.ifStarted(provider, OidcProvider::close),
        Teardown.ifStarted(origin, o -> o.stop(0)));
  }

  static String url(String pathAndQuery) {
    return "http://127.0.0.1:" + port + pathAndQuery;
  }

  static List<EventRecord> everyEvent() throws Exception {
    return host.eventLog().query(EventQuery.all());
  }

  /** No event of any source quotes the token, nor its signature alone. */
  static void assertNeverLogged(String token) throws Exception {
    String signature = token.substring(token.lastIndexOf('.') + 1);
    for (EventRecord e : everyEvent()) {
      assertFalse(e.text().contains(signature), "the token leaked into an event: " + e);
    }
  }

  @Test
  void curlWithTheTokenInTheQueryIsServedAndTheAuditNeverShowsIt() throws Exception {
    String token = provider.token(ALICE);
    CurlRun r = CurlRun.run(root, url("/b/hello.txt?x=1&access_token=" + token));
    assertEquals(List.of(200), r.statuses(), r.verbose());
    assertEquals("hello, bearer\n", r.body());
    List<EventRecord> logons =
        host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
            .filter(e -> e.text().contains("logon succeeded") && e.text().contains("alice"))
            .toList();
    assertFalse(logons.isEmpty(), everyEvent().toString());
    assertTrue(
        logons.stream().anyMatch(e -> e.text().contains("/b/hello.txt?x=1")),
        "the rest of the query is audited: " + logons);
    assertNeverLogged(token);
  }

  @Test
  void aBadTokenInTheQueryIs401InvalidToken() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response r =
          c.get("/b/hello.txt?access_token=" + provider.token(ALICE, "urn:another:api"), null);
      assertEquals(401, r.status());
      assertTrue(
          r.values("WWW-Authenticate").get(0).contains("error=\"invalid_token\""),
          r.values("WWW-Authenticate").toString());
    }
  }

  @Test
  void theOriginNeverReceivesTheToken() throws Exception {
    String token = provider.token(ALICE);
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response r =
          c.get("/origin/clip.m3u8?start=10&access_token=" + token + "&lang=en", null);
      assertEquals(200, r.status());
      assertEquals("from the origin\n", r.bodyText());
    }
    synchronized (originSaw) {
      assertEquals("/base/clip.m3u8?start=10&lang=en", originSaw.get(originSaw.size() - 1));
      assertTrue(
          originSaw.stream().noneMatch(u -> u.contains("access_token")), originSaw.toString());
    }
    assertNeverLogged(token);
  }

  /** SRS hands over the client's stream URL query as {@code param}: the token in it logs on. */
  @Test
  void theTokenInAStreamUrlReachesThePlugInThroughTheSrsContract() throws Exception {
    String token = provider.token(ALICE);
    RawHttpConnection.Response ok = srs("?access_token=" + token);
    assertEquals(200, ok.status(), ok.bodyText());
    assertEquals("0", ok.bodyText());
    RawHttpConnection.Response other = srs("?access_token=" + provider.token(ALICE, "urn:x"));
    assertTrue(other.status() == 401 || other.status() == 403, other.status() + other.bodyText());
    assertTrue(
        host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
            .anyMatch(
                e ->
                    e.text().contains("logon succeeded")
                        && e.text().contains("via=SRS")
                        && e.text().contains("protocol=Bearer")),
        everyEvent().toString());
    assertNeverLogged(token);
  }

  static RawHttpConnection.Response srs(String param) throws Exception {
    String json =
        """
        {"server_id":"vid-0xk989d","service_id":"2h21l7q9","action":"on_play","client_id":"341w",\
        "ip":"127.0.0.1","vhost":"__defaultVhost__","app":"live","tcUrl":"rtmp://127.0.0.1/live",\
        "stream":"cam1","param":"%s","stream_url":"/live/cam1","stream_id":"vid-124q9y3",\
        "pageUrl":""}"""
            .formatted(param);
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.send(
          "POST /.authhost/srs HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json",
          json.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Players do not carry a playlist's query over to its segments, so the platform writes the token
   * into the playlist's segment lines, as it does for signed URLs.
   */
  @Test
  void ffprobeAndFfmpegFetchAnHlsRenditionWithTheTokenInTheQuery() throws Exception {
    StreamingTools.ffmpeg();
    Path hls = Files.createDirectories(root.resolve("media/hls"));
    BoundedProcess.Exit made = StreamingTools.makeHlsRendition(root, hls, "mpeg2video");
    assertEquals(0, made.status(), made.output());
    String token = provider.token(ALICE);
    List<String> lines = new ArrayList<>();
    int segments = 0;
    for (String line : Files.readAllLines(hls.resolve("index.m3u8"))) {
      if (line.endsWith(".ts")) {
        segments++;
        line = line + "?access_token=" + token;
      }
      lines.add(line);
    }
    assertTrue(segments >= 2, lines.toString());
    Files.write(hls.resolve("index.m3u8"), lines);
    String playlist = url("/b/hls/index.m3u8?access_token=" + token);
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
                "stream=codec_name",
                "-of",
                "csv=p=0",
                playlist));
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
                "-i",
                playlist,
                "-c",
                "copy",
                "-f",
                "null",
                "-"));
    assertEquals(0, fetch.status(), fetch.output());
    assertTrue(
        host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
            .anyMatch(e -> e.text().contains("logon succeeded") && e.text().contains(".ts")),
        "segments are served by the token in their own query");
    assertNeverLogged(token);
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
}
