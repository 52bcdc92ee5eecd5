package org.authhost.host.http;

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
import java.util.ArrayList;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.SignedLinks;
import org.authhost.host.testing.StreamingTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed-URL plug-in as the distribution ships it, in a running host on real sockets (API 1.4:
 * credentials carried in the URL, and refusals that are 403 without a challenge): curl and ffmpeg
 * as clients, an origin behind the proxy, the MediaMTX contract, the audit. The URLs are signed
 * here with the JDK alone, as a platform would.
 */
class SignedUrlServingTest {
  private static final String K1 = "k1-0123456789abcdef0123456789abcdef";
  private static final String K2 = "k2-fedcba9876543210fedcba9876543210";

  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
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
          // What an origin that does not know it is behind an authentication host says.
          exchange.getResponseHeaders().set("Cache-Control", "public, max-age=60, s-maxage=600");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    origin.start();
    Files.writeString(
        root.resolve("keys"),
        "# two keys while moving from k1 to k2\nk1=" + K1 + "\nk2=" + K2 + "\n");
    Path config =
        StreamServerHosts.configFolder(
            root,
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "requireGrants": true, "settings": {
                "signed-url": { "capabilities": ["token-without-credential"],
                  "properties": { "account": "carol", "keysFile": "%s" } },
                "basic": { "capabilities": ["password-check"] } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": { "lockout": { "threshold": 3, "addressThreshold": 5 } },
              "publishingPoints": [
                { "name": "vod", "prefix": "/vod/", "directory": "../media", "plugins": ["signed-url"],
                  "acl": [ { "principal": "carol", "rights": ["read"] } ] },
                { "name": "mixed", "prefix": "/mixed/", "directory": "../media",
                  "plugins": ["basic", "signed-url"],
                  "acl": [ { "principal": "Users", "rights": ["read"] } ] },
                { "name": "origin", "prefix": "/origin/", "origin": "http://127.0.0.1:%d/base/",
                  "plugins": ["signed-url"], "acl": [ { "principal": "carol", "rights": ["read"] } ] },
                { "name": "live", "prefix": "/live/", "plugins": ["signed-url"],
                  "acl": [ { "principal": "carol", "rights": ["read"] } ] }
              ],
              "integrations": {
                "mediamtx": { "path": "/.authhost/mediamtx", "callers": ["127.0.0.1"] },
                "srs": { "path": "/.authhost/srs", "callers": ["127.0.0.1"] }
              }
            }
            """
                .formatted(root.resolve("keys"), origin.getAddress().getPort()),
            List.of("authhost-plugin-signed-url.jar", "authhost-plugin-basic.jar"));
    Files.createDirectories(root.resolve("media/show/720p"));
    Files.writeString(root.resolve("media/show/720p/a.txt"), "rendition a\n");
    Files.writeString(root.resolve("media/show/other.txt"), "another rendition\n");
    host = StreamServerHosts.start(config, clock);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (host != null) {
        host.stop();
      }
    } finally {
      origin.stop(0);
    }
  }

  /** The query a platform appends: as the README's Java example signs it. */
  static String signed(String key, String secret, String prefix, long expires, String address)
      throws Exception {
    return SignedLinks.query(key, secret, prefix, expires, address);
  }

  static long inTenMinutes() {
    return clock.instant().getEpochSecond() + 600;
  }

  static RawHttpConnection.Response get(String target) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.get(target, null);
    }
  }

  static List<EventRecord> audit(String... parts) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> List.of(parts).stream().allMatch(e.text()::contains))
        .toList();
  }

  static void assertNoChallenge(RawHttpConnection.Response r) {
    assertTrue(
        r.headers().stream().noneMatch(h -> h.toLowerCase().startsWith("www-authenticate")),
        r.headers().toString());
  }

  /** curl, a real client: the status line it got. */
  static int curl(String url) throws Exception {
    BoundedProcess.Exit run =
        BoundedProcess.run(
            root,
            Duration.ofSeconds(30),
            List.of(
                StreamingTools.curl().toString(),
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                url));
    assertEquals(0, run.status(), run.output());
    return Integer.parseInt(run.output().strip());
  }

  @Test
  void oneSignatureServesAWholeRenditionToCurlAndNothingBesideIt() throws Exception {
    String q = signed("k1", K1, "/vod/show/720p/", inTenMinutes(), null);
    String base = "http://127.0.0.1:" + port;
    assertEquals(200, curl(base + "/vod/show/720p/a.txt?" + q));
    RawHttpConnection.Response beside = get("/vod/show/other.txt?" + q);
    assertEquals(403, beside.status());
    assertNoChallenge(beside);
    // Sent as is (curl would resolve the '..' itself): the signature covers 720p/ only.
    RawHttpConnection.Response dotted = get("/vod/show/720p/../other.txt?" + q.replace("/", "%2F"));
    assertTrue(
        dotted.status() == 403 || dotted.status() == 404 || dotted.status() == 400,
        "refused, never served nor a 5xx: " + dotted.status());
    assertFalse(dotted.bodyText().contains("another rendition"), dotted.bodyText());
    List<EventRecord> refused =
        audit("refused 403", "signed for /vod/show/720p/, not for this path");
    assertFalse(refused.isEmpty(), audit("refused 403").toString());
    String sig = q.substring(q.indexOf("ah_sig=") + 7);
    for (EventRecord e : host.eventLog().query(EventQuery.all())) {
      assertFalse(e.text().contains(sig), "no record holds the signature: " + e.text());
    }
    // The account named as every logon names it (qualified), the key that signed as the user.
    List<EventRecord> logons = audit("logon", "account=\"TESTHOST\\\\carol\"", "signed-url key k1");
    assertFalse(logons.isEmpty(), audit("logon").toString());
    assertFalse(logons.get(0).text().contains("ah_"), logons.get(0).text());
  }

  @Test
  void refusalsAre403WithoutAChallengeAuditedWithTheirReasonAndNeverLockAnAddressOut()
      throws Exception {
    long exp = inTenMinutes();
    String good = signed("k2", K2, "/vod/show/", exp, null);
    String sig = good.substring(good.indexOf("ah_sig=") + 7);
    List<String[]> bad =
        List.of(
            new String[] {good.replace("ah_exp=" + exp, "ah_exp=" + (exp + 60)), "bad signature"},
            new String[] {signed("k2", K2, "/vod/show/", exp, "192.0.2.7"), "signed for client"},
            new String[] {good.substring(0, good.indexOf("&ah_sig")), "ah_sig is missing"},
            new String[] {good + "&ah_sig=" + sig, "ah_sig is repeated"},
            new String[] {signed("k9", K2, "/vod/show/", exp, null), "not configured"},
            new String[] {
              signed("k1", K1, "/vod/show/", clock.instant().getEpochSecond(), null), "expired at"
            },
            new String[] {"", "no signature"});
    // Seven refusals from one address, whose lockout threshold is five: none counted.
    for (String[] c : bad) {
      String[] parts = {"refused 403", "point=vod", "without a challenge", c[1]};
      int before = audit(parts).size();
      RawHttpConnection.Response r =
          get("/vod/show/720p/a.txt" + (c[0].isEmpty() ? "" : "?" + c[0]));
      assertEquals(403, r.status(), c[1]);
      assertNoChallenge(r);
      List<EventRecord> records = audit(parts);
      assertEquals(before + 1, records.size(), c[1] + ": " + audit("refused 403"));
      EventRecord last = records.get(before);
      assertEquals(EventLevel.WARNING, last.level());
      assertEquals(HResult.E_ACCESSDENIED, last.hresult());
      assertFalse(last.text().contains(sig), last.text());
    }
    assertEquals(200, get("/vod/show/720p/a.txt?" + good).status(), "no lockout followed");
    assertEquals(List.of(), audit("logon failed"));
    assertEquals(List.of(), audit("lockout"));
  }

  @Test
  void aSignedLinksFileAnswerTellsSharedCachesToKeepOff() throws Exception {
    // The request carries no Authorization, and the answer has Last-Modified: without a word, a
    // shared cache could keep it and serve it after the link expired, or to anyone.
    RawHttpConnection.Response r =
        get("/vod/show/720p/a.txt?" + signed("k1", K1, "/vod/show/720p/", inTenMinutes(), null));
    assertEquals(200, r.status(), r.bodyText());
    assertEquals(List.of("private"), r.values("Cache-Control"));
    assertEquals(1, r.values("Last-Modified").size(), "validators stay: a player revalidates");
    // A short answer that says no-store already keeps that, and only that (no second header).
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response unsatisfiable =
          c.send(
              "GET /vod/show/720p/a.txt?"
                  + signed("k1", K1, "/vod/show/720p/", inTenMinutes(), null)
                  + " HTTP/1.1\nRange: bytes=500-600",
              null);
      assertEquals(416, unsatisfiable.status(), unsatisfiable.bodyText());
      assertEquals(List.of("no-store"), unsatisfiable.values("Cache-Control"));
    }
  }

  @Test
  void twoKeysAreValidAtOnceAndAnExpiryFollowsTheHostsClock() throws Exception {
    String byK1 = signed("k1", K1, "/vod/show/720p/a.txt", inTenMinutes(), null);
    String byK2 = signed("k2", K2, "/vod/show/720p/a.txt", inTenMinutes(), null);
    assertEquals(200, get("/vod/show/720p/a.txt?" + byK1).status());
    assertEquals(200, get("/vod/show/720p/a.txt?" + byK2).status());
    String bound = signed("k1", K1, "/vod/show/", inTenMinutes(), "127.0.0.1");
    assertEquals(200, get("/vod/show/720p/a.txt?" + bound).status(), "bound to this client");
  }

  @Test
  void theOriginNeverSeesTheSignatureButEveryOtherParameter() throws Exception {
    String q = signed("k1", K1, "/origin/", inTenMinutes(), null);
    RawHttpConnection.Response r = get("/origin/clip.m3u8?start=10&" + q + "&lang=en");
    assertEquals(200, r.status(), r.bodyText());
    assertEquals("from the origin\n", r.bodyText());
    // The link's holder's answer, through the proxy too: no shared cache may keep it.
    assertEquals(List.of("private, max-age=60"), r.values("Cache-Control"));
    synchronized (originSaw) {
      assertEquals("/base/clip.m3u8?start=10&lang=en", originSaw.get(originSaw.size() - 1));
    }
    // An encoded name is the same name: it is removed too, and still routed to the plug-in.
    RawHttpConnection.Response encoded =
        get("/origin/x.ts?" + q.replace("ah_sig=", "%61h_sig=") + "&b=2");
    assertEquals(200, encoded.status(), encoded.bodyText());
    synchronized (originSaw) {
      assertEquals("/base/x.ts?b=2", originSaw.get(originSaw.size() - 1));
    }
  }

  @Test
  void whereBasicIsOfferedTooABareRequestIsChallengedAndASignedOneServed() throws Exception {
    RawHttpConnection.Response bare = get("/mixed/show/720p/a.txt");
    assertEquals(401, bare.status());
    assertTrue(bare.headers().stream().anyMatch(h -> h.startsWith("WWW-Authenticate: Basic")));
    assertEquals(
        200,
        get("/mixed/show/720p/a.txt?" + signed("k1", K1, "/mixed/", inTenMinutes(), null))
            .status());
    RawHttpConnection.Response forged =
        get("/mixed/show/720p/a.txt?" + signed("k1", K2, "/mixed/", inTenMinutes(), null));
    assertEquals(
        403, forged.status(), "a signed URL that fails is final, whatever else is offered");
    assertNoChallenge(forged);
  }

  @Test
  void aSignedStreamUrlReachesThePlugInThroughTheMediaMtxContract() throws Exception {
    String q = signed("k2", K2, "/live/cam1", inTenMinutes(), null);
    String body =
        """
        {"ip":"127.0.0.1","user":"","password":"","token":"","action":"read",\
        "path":"live/cam1","protocol":"hls","id":null,"query":"%s"}"""
            .formatted(q);
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response ok =
          c.send(
              "POST /.authhost/mediamtx HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json",
              body.getBytes(StandardCharsets.UTF_8));
      assertEquals(200, ok.status(), ok.bodyText());
    }
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response other =
          c.send(
              "POST /.authhost/mediamtx HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json",
              body.replace("\"path\":\"live/cam1\"", "\"path\":\"live/cam2\"")
                  .getBytes(StandardCharsets.UTF_8));
      assertEquals(403, other.status(), other.bodyText());
    }
    assertFalse(audit("via=MediaMTX", "not for this path").isEmpty(), audit("refused").toString());
  }

  /** SRS hands over the client's stream URL query as {@code param}: the same signed query. */
  @Test
  void aSignedStreamUrlReachesThePlugInThroughTheSrsContract() throws Exception {
    String q = signed("k1", K1, "/live/cam1", inTenMinutes(), null);
    assertEquals(
        200, srs(MediaMtxAndSrsCallsTest.srsStream("on_play", "127.0.0.1", "cam1", "?" + q)));
    assertEquals(
        403,
        srs(MediaMtxAndSrsCallsTest.srsStream("on_play", "127.0.0.1", "cam2", "?" + q)),
        "signed for another stream");
    assertEquals(
        403,
        srs(
            MediaMtxAndSrsCallsTest.srsStream(
                "on_play", "127.0.0.1", "cam1", "?" + q.replace("ah_sig=", "ah_sig=A"))),
        "a tampered signature");
    assertFalse(audit("via=SRS", "not for this path").isEmpty(), audit("refused").toString());
    String sig = q.substring(q.indexOf("ah_sig=") + 7);
    assertTrue(audit(sig).isEmpty(), "the signature is never audited");
  }

  static int srs(String json) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.send(
              "POST /.authhost/srs HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json",
              json.getBytes(StandardCharsets.UTF_8))
          .status();
    }
  }

  /**
   * ffmpeg reads an HLS rendition by signed URL: the platform signs the rendition's folder once and
   * writes that one query into the playlist's segment lines (players do not carry a playlist's
   * query over to its segments). Every request is served; once expired, ffmpeg is refused.
   */
  @Test
  void ffmpegReadsAnHlsPlaylistAndItsSegmentsBySignedUrl() throws Exception {
    Path dir = Files.createDirectories(root.resolve("media/hls/360p"));
    BoundedProcess.Exit made = StreamingTools.makeHlsRendition(root, dir, "libx264");
    assertEquals(0, made.status(), made.output());
    // Short-lived on purpose: the test lets it expire by moving the host's clock five seconds.
    long exp = clock.instant().getEpochSecond() + 5;
    String q = signed("k2", K2, "/vod/hls/360p/", exp, null);
    List<String> lines = new ArrayList<>();
    int segments = 0;
    for (String line : Files.readAllLines(dir.resolve("index.m3u8"))) {
      if (line.endsWith(".ts")) {
        segments++;
        line = line + "?" + q;
      }
      lines.add(line);
    }
    assertTrue(segments >= 2, lines.toString());
    Files.write(dir.resolve("index.m3u8"), lines);
    int before = audit("logon", "signed-url key k2").size();
    String url = "http://127.0.0.1:" + port + "/vod/hls/360p/index.m3u8?" + q;
    BoundedProcess.Exit read = ffmpegRead(url);
    assertEquals(0, read.status(), read.output());
    // The playlist and each segment: one request each, each a logon of its own connection or
    // the same one kept alive; at least the playlist's is audited.
    assertTrue(audit("logon", "signed-url key k2").size() > before, audit("logon").toString());

    clock.advance(Duration.ofSeconds(5));
    BoundedProcess.Exit late = ffmpegRead(url);
    assertTrue(late.status() != 0, late.output());
    assertTrue(late.output().contains("403"), late.output());
  }

  private static BoundedProcess.Exit ffmpegRead(String url) throws Exception {
    return BoundedProcess.run(
        root,
        Duration.ofSeconds(60),
        List.of(
            StreamingTools.ffmpeg().toString(),
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            url,
            "-c",
            "copy",
            "-f",
            "null",
            "-"));
  }
}
