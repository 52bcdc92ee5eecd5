package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MediaMTX's {@code authMethod: http} and SRS's {@code http_hooks} at socket level. Neither server
 * is a Debian package, so the test sends their calls itself, with the bodies and headers their
 * sources give (reference §1.2 and §2): MediaMTX commit 3e09466c {@code internal/auth/manager.go}
 * (Go's client: HTTP/1.1, {@code User-Agent: Go-http-client/1.1}, the struct's keys in order), SRS
 * commit 101382af {@code srs_app_http_hooks.cpp} ({@code Connection: Keep-Alive}, SRS's own
 * User-Agent, {@code param} with its leading {@code ?}).
 */
class MediaMtxAndSrsCallsTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static int port;
  static final String KEY = "bob-stream-key-0123456789";

  @BeforeAll
  static void start() throws Exception {
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8)));
    Path config =
        StreamServerHosts.configFolder(
            root,
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": { "api-key": { "properties": {
                "keys": "bob=%s", "realm": "ingest" } } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": { "trustedProxies": ["127.0.0.1"],
                "lockout": { "threshold": 3, "addressThreshold": 100 } },
              "publishingPoints": [
                { "name": "live", "prefix": "/live/", "plugins": ["basic", "api-key"],
                  "acl": [ { "principal": "alice", "rights": ["read", "write"] },
                           { "principal": "bob", "rights": ["read", "write"] },
                           { "principal": "carol", "rights": ["read"] } ] },
                { "name": "pub", "prefix": "/pub/", "plugins": ["anonymous", "basic"] },
                { "name": "basiconly", "prefix": "/b/", "plugins": ["basic"] }
              ],
              "integrations": {
                "mediamtx": { "path": "/.authhost/mediamtx", "tokenScheme": "ApiKey",
                              "callers": ["127.0.0.1"] },
                "srs": { "path": "/.authhost/srs", "callers": ["127.0.0.1"] }
              }
            }
            """
                .formatted(hash),
            List.of("authhost-plugin-basic.jar", "authhost-plugin-anonymous.jar"));
    PluginJar.ofProject(Path.of("../samples/api-key"))
        .writeTo(root.resolve("plugins"), "api-key.jar");
    host = StreamServerHosts.start(config, clock);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  static Response mediamtx(String json) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.send(
          "POST /.authhost/mediamtx HTTP/1.1\n"
              + "Host: 127.0.0.1:"
              + port
              + "\nUser-Agent: Go-http-client/1.1\nContent-Type: application/json\n"
              + "Accept-Encoding: gzip",
          json.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** MediaMTX's body, keys in the Go struct's order. */
  static String mtx(
      String ip, String user, String password, String action, String path, String protocol) {
    String token = password;
    return """
        {"ip":"%s","user":"%s","password":"%s","token":"%s","action":"%s","path":"%s",\
        "protocol":"%s","id":"4f1c2d9e-0b7a-4c55-9a57-0d0f3c2b1a11","query":"","userAgent":"ffmpeg"}"""
        .formatted(ip, user, password, token, action, path, protocol);
  }

  static Response srs(String json) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.send(
          "POST /.authhost/srs HTTP/1.1\n"
              + "Host: 127.0.0.1:"
              + port
              + "\nContent-Type: application/json\nConnection: Keep-Alive\n"
              + "User-Agent: SRS/7.0.18(Kai)",
          json.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** SRS's on_publish / on_play body. */
  static String srsStream(String action, String ip, String stream, String param) {
    return """
        {"server_id":"vid-0xk989d","service_id":"2h21l7q9","action":"%s","client_id":"341w361a",\
        "ip":"%s","vhost":"__defaultVhost__","app":"live","tcUrl":"rtmp://127.0.0.1:1935/live",\
        "stream":"%s","param":"%s","stream_url":"/live/%s","stream_id":"vid-124q9y3",\
        "pageUrl":""}"""
        .formatted(action, ip, stream, param, stream, stream);
  }

  @Test
  void mediamtxPublishAndReadFollowTheAcl() throws Exception {
    Response ok = mediamtx(mtx("127.0.0.1", "alice", "pw-alice", "publish", "live/cam1", "rtmp"));
    assertEquals(200, ok.status());
    assertEquals(
        200, mediamtx(mtx("127.0.0.1", "carol", "pw-carol", "read", "live/cam1", "hls")).status());
    assertEquals(
        200, mediamtx(mtx("127.0.0.1", "carol", "pw-carol", "playback", "live/cam1", "")).status());
    assertEquals(
        403,
        mediamtx(mtx("127.0.0.1", "carol", "pw-carol", "publish", "live/cam1", "rtsp")).status());
    assertFalse(
        StreamServerHosts.audited(host, "access denied to", "carol", "via=MediaMTX@127.0.0.1")
            .isEmpty());
  }

  @Test
  void mediamtxGets401WhenItShouldPromptTheClient() throws Exception {
    // The first RTSP DESCRIBE or browser hit comes without credentials: 401 makes MediaMTX ask.
    assertEquals(401, mediamtx(mtx("127.0.0.1", "", "", "read", "live/cam1", "rtsp")).status());
    assertTrue(
        mediamtx(mtx("127.0.0.1", "alice", "wrong", "read", "live/cam1", "rtsp")).status() / 100
            == 4);
    // An anonymous point lets a reader in without credentials.
    assertEquals(200, mediamtx(mtx("198.51.100.8", "", "", "read", "pub/show", "hls")).status());
  }

  @Test
  void whereBasicIsTheOnlyPluginMediamtxStillPromptsAndSrsIsToldNo() throws Exception {
    // The client's RTSP leg is not TLS, but its password will come in the next call's body: the
    // password plug-in stays on offer, so this is a log-on, not "no usable plug-in".
    assertEquals(401, mediamtx(mtx("198.51.100.9", "", "", "read", "b/cam", "rtsp")).status());
    assertEquals(
        200, mediamtx(mtx("198.51.100.9", "alice", "pw-alice", "read", "b/cam", "rtsp")).status());
    Response srs =
        srs(
            srsStream("on_play", "198.51.100.9", "x", "")
                .replace("\"app\":\"live\"", "\"app\":\"b\""));
    assertEquals(403, srs.status());
    assertTrue(StreamServerHosts.audited(host, "client=198.51.100.9", "refused 5").isEmpty());
    assertTrue(StreamServerHosts.audited(host, "no usable authentication plug-in").isEmpty());
  }

  @Test
  void mediamtxTokenDifferentFromThePasswordIsRoutedByItsScheme() throws Exception {
    String body =
        """
        {"ip":"127.0.0.1","user":"","password":"","token":"%s","action":"publish",\
        "path":"live/cam2","protocol":"rtmp","id":null,"query":"token=%s"}"""
            .formatted(KEY, KEY);
    assertEquals(200, mediamtx(body).status());
    assertEquals(
        401,
        mediamtx(body.replace(KEY, "not-the-key")).status(),
        "refused by the ApiKey plug-in: log on again");
  }

  @Test
  void mediamtxOlderAndNewerBodiesAreBothRead() throws Exception {
    // v0.17 (2021): five fields only. Newer: unknown fields on top.
    assertEquals(
        200,
        mediamtx(
                "{\"ip\":\"127.0.0.1\",\"user\":\"alice\",\"password\":\"pw-alice\","
                    + "\"path\":\"live/old\",\"action\":\"read\"}")
            .status());
    assertEquals(
        200,
        mediamtx(
                mtx("127.0.0.1", "alice", "pw-alice", "read", "live/new", "moq")
                    .replace("}", ",\"future\":{\"x\":[1,2]}}"))
            .status());
  }

  @Test
  void mediamtxAdministrativeActionsAreRefusedWithoutAnAdminPoint() throws Exception {
    for (String action : List.of("api", "metrics", "pprof")) {
      assertEquals(
          403, mediamtx(mtx("127.0.0.1", "alice", "pw-alice", action, "", "")).status(), action);
    }
    assertFalse(StreamServerHosts.audited(host, "mediamtx.adminPoint").isEmpty());
  }

  @Test
  void mediamtxMalformedBodiesAre400AndHugeOnes413() throws Exception {
    List<String> bad =
        List.of(
            "",
            "not json",
            "[1,2]",
            "{\"ip\":5,\"action\":\"read\",\"path\":\"live/x\"}",
            "{\"ip\":\"127.0.0.1\",\"path\":\"live/x\"}",
            "{\"ip\":\"127.0.0.1\",\"action\":\"delete\",\"path\":\"live/x\"}",
            "{\"ip\":\"127.0.0.1\",\"action\":\"read\",\"path\":\"live/../pub/x\"}",
            "{\"ip\":\"127.0.0.1\",\"action\":\"read\",\"path\":\"live/a\\u0000b\"}",
            "{\"ip\":\"127.0.0.1\",\"action\":\"read\",\"path\":\"\"}",
            "{\"action\":\"read\",\"path\":\"live/x\"}",
            "{\"ip\":\"127.0.0.1\",\"action\":\"read\",\"action\":\"publish\",\"path\":\"live/x\"}",
            "{\"ip\":\"127.0.0.1\",\"action\":\"read\",\"path\":\"live/x\"} {}",
            "{\"ip\":\"127.0.0.1\",\"action\":\"read\",\"path\":\"live/x\",\"id\":{}}",
            "{\"ip\":\"127.0.0.1\",\"action\":\"read\",\"path\":\"live/x\",\"password\":hunter2}");
    for (String body : bad) {
      assertEquals(400, mediamtx(body).status(), body);
    }
    assertEquals(
        413,
        mediamtx(mtx("127.0.0.1", "alice", "pw-alice", "read", "live/x", "x".repeat(17_000)))
            .status());
    assertTrue(StreamServerHosts.audited(host, "malformed MediaMTX call").size() >= bad.size() + 1);
    // Where the JSON broke, never the text it broke on: that may be a password.
    assertTrue(StreamServerHosts.audited(host, "hunter").isEmpty());
  }

  @Test
  void srsAllowsWithBodyZeroAndRefusesWithANonZeroCode() throws Exception {
    Response ok = srs(srsStream("on_publish", "127.0.0.1", "cam1", "?user=alice&pass=pw-alice"));
    assertEquals(200, ok.status());
    assertEquals("0", ok.bodyText());
    Response refused =
        srs(srsStream("on_publish", "127.0.0.1", "cam1", "?user=carol&pass=pw-carol"));
    assertEquals(403, refused.status());
    assertTrue(refused.bodyText().startsWith("{\"code\":403"), refused.bodyText());
    assertEquals(
        200, srs(srsStream("on_play", "127.0.0.1", "cam1", "?user=carol&pass=pw-carol")).status());
    assertEquals(200, srs(srsStream("on_publish", "127.0.0.1", "cam2", "?key=" + KEY)).status());
    assertEquals(403, srs(srsStream("on_play", "127.0.0.1", "cam1", "")).status());
  }

  @Test
  void srsConnectAndNotificationsAreAllowedUnchecked() throws Exception {
    // SRS 2/3 sent client_id as a number.
    String connect =
        "{\"action\":\"on_connect\",\"client_id\":1985,\"ip\":\"127.0.0.1\",\"vhost\":\"__defaultVhost__\","
            + "\"app\":\"live\",\"tcUrl\":\"rtmp://127.0.0.1/live\",\"pageUrl\":\"\"}";
    Response r = srs(connect);
    assertEquals(200, r.status());
    assertEquals("0", r.bodyText());
    for (String action : List.of("on_unpublish", "on_stop", "on_close", "on_dvr", "on_hls")) {
      assertEquals(200, srs(srsStream(action, "127.0.0.1", "cam1", "")).status(), action);
    }
  }

  @Test
  void srsMalformedCallsAreRefused() throws Exception {
    for (String body :
        List.of(
            "0",
            "{\"action\":\"on_publish\"}",
            srsStream("on_publish", "127.0.0.1", "..", "?user=alice&pass=pw-alice"),
            srsStream("on_publish", "127.0.0.1", "a\\u0001", "?user=alice&pass=pw-alice"),
            srsStream("on_play", "nobody", "cam1", "?user=alice&pass=pw-alice"),
            srsStream("on_explode", "127.0.0.1", "cam1", ""),
            srsStream("on_play", "127.0.0.1", "cam1", "?user=alice&pass=%gg"))) {
      Response r = srs(body);
      assertEquals(403, r.status(), body);
      assertTrue(r.bodyText().contains("\"code\":403"));
    }
    assertFalse(
        StreamServerHosts.audited(host, "malformed SRS call", "via=SRS@127.0.0.1").isEmpty());
  }

  @Test
  void anUntrustedCallerIsRefusedInItsOwnDialect() throws Exception {
    try (RawHttpConnection c =
        new RawHttpConnection("127.0.0.1", port, java.net.InetAddress.getByName("127.0.0.3"))) {
      Response r =
          c.send(
              "POST /.authhost/srs HTTP/1.1\nContent-Type: application/json",
              srsStream("on_play", "127.0.0.1", "cam1", "?user=alice&pass=pw-alice")
                  .getBytes(StandardCharsets.UTF_8));
      assertEquals(403, r.status());
      assertTrue(r.bodyText().contains("\"code\":403"));
    }
    assertFalse(
        StreamServerHosts.audited(host, "caller 127.0.0.3 is not in integrations.").isEmpty());
  }
}
