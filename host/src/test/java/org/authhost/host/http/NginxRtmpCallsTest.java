package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx-rtmp's notify calls at socket level, byte for byte as nginx-rtmp 1.2.2 writes them
 * (ngx_rtmp_notify_module.c and ngx_rtmp_netcall_module.c, commit 6c7719d0; observed with nginx
 * 1.22.1 and ffmpeg 5.1, reference §3.1): HTTP/1.0, {@code Host} without the port, no User-Agent,
 * {@code Connection: Close}, the session's fields then {@code call}, {@code name}, {@code type} and
 * the client's own query appended as it came.
 */
class NginxRtmpCallsTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static Path config;
  static int port;
  static final String KEY = "bob-stream-key-0123456789";

  @BeforeAll
  static void start() throws Exception {
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8)));
    config =
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
                           { "principal": "dave", "rights": ["read", "write"] },
                           { "principal": "carol", "rights": ["read"] } ] },
                { "name": "pub", "prefix": "/pub/", "plugins": ["anonymous", "basic"] },
                { "name": "open", "prefix": "/open/", "plugins": ["anonymous"] },
                { "name": "basiconly", "prefix": "/b/", "plugins": ["basic"] }
              ],
              "integrations": { "nginxRtmp": { "path": "/.authhost/nginx-rtmp" },
                "mediamtx": { "adminPoint": "live" } }
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

  /** The session's fields as ngx_rtmp_netcall_http_format_session writes them (ffmpeg 5.1). */
  static String session(String app, String addr) {
    return "app="
        + app
        + "&flashver=FMLE/3.0%20(compatible%3B%20Lavf59.27.100)&swfurl=&tcurl=rtmp://127.0.0.1:1935/"
        + app
        + "&pageurl=&addr="
        + addr
        + "&clientid=7";
  }

  static String publish(String name, String args) {
    return session("live", "127.0.0.1") + "&call=publish&name=" + name + "&type=live" + args;
  }

  static String play(String app, String name, String addr, String args) {
    return session(app, addr)
        + "&call=play&name="
        + name
        + "&start=4294965296&duration=0&reset=0"
        + args;
  }

  /** One notify call as nginx-rtmp sends it: POST over HTTP/1.0, a connection of its own. */
  static Response post(String form) throws Exception {
    try (RawHttpConnection nginx = new RawHttpConnection("127.0.0.1", port)) {
      return nginx.send(
          "POST /.authhost/nginx-rtmp HTTP/1.0\n"
              + "Host: 127.0.0.1\n"
              + "Content-Type: application/x-www-form-urlencoded\n"
              + "Connection: Close",
          form.getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void publishAndPlayFollowTheAclWithThePasswordFromTheStreamUrl() throws Exception {
    Response ok = post(publish("cam1", "&user=alice&pass=pw-alice"));
    assertEquals(200, ok.status());
    assertEquals(0, ok.body().length);
    assertEquals(403, post(publish("cam1", "&user=alice&pass=wrong")).status());
    assertEquals(
        200, post(play("live", "cam1", "127.0.0.1", "&user=carol&pass=pw-carol")).status());
    // carol may read, not write.
    assertEquals(403, post(publish("cam1", "&user=carol&pass=pw-carol")).status());
    assertFalse(
        StreamServerHosts.audited(
                host, "access denied to", "carol", "via=nginx-rtmp@127.0.0.1", "publish /live/cam1")
            .isEmpty());
    // No credentials at a point without an anonymous plug-in.
    assertEquals(403, post(publish("cam1", "")).status());
  }

  @Test
  void aPointWithOnlyAnAnonymousPluginIgnoresUrlCredentials() throws Exception {
    // As HTTP ignores an Authorization header where nobody checks one.
    assertEquals(
        200, post(play("open", "show", "198.51.100.5", "&user=alice&pass=anything")).status());
    assertTrue(StreamServerHosts.audited(host, "client=198.51.100.5", "refused").isEmpty());
  }

  @Test
  void noCredentialsWherePasswordsAreCheckedIsALogOnNotACriticalError() throws Exception {
    // The client's leg is not TLS, yet the password comes in the call: basic stays on offer.
    assertEquals(403, post(play("b", "s", "198.51.100.6", "")).status());
    assertEquals(200, post(play("b", "s", "198.51.100.6", "&user=alice&pass=pw-alice")).status());
    assertTrue(
        StreamServerHosts.audited(host, "no usable authentication plug-in").isEmpty(),
        "no false critical alarm at every first play");
    assertTrue(
        StreamServerHosts.audited(host, "client=198.51.100.6", "no plug-in could issue").isEmpty());
  }

  @Test
  void aCallRelayedByAProxyIsRefusedWhateverItsPayloadSays() throws Exception {
    for (String header :
        List.of("X-Forwarded-For: 203.0.113.9", "Forwarded: for=203.0.113.9;proto=https")) {
      try (RawHttpConnection nginx = new RawHttpConnection("127.0.0.1", port)) {
        Response r =
            nginx.send(
                "POST /.authhost/nginx-rtmp HTTP/1.0\nHost: 127.0.0.1\n"
                    + "Content-Type: application/x-www-form-urlencoded\n"
                    + header,
                publish("relayed", "&user=alice&pass=pw-alice").getBytes(StandardCharsets.UTF_8));
        assertEquals(403, r.status(), header);
      }
    }
    assertEquals(
        2,
        StreamServerHosts.audited(host, "refused 403", "relayed by a proxy", "via=nginx-rtmp@")
            .size());
    assertTrue(StreamServerHosts.audited(host, "logon", "publish /live/relayed").isEmpty());
  }

  @Test
  void theDefaultCallersAreLoopback() throws Exception {
    // No "callers" here: any loopback address may call, as a server on this machine does.
    try (RawHttpConnection nginx =
        new RawHttpConnection("127.0.0.1", port, InetAddress.getByName("127.0.0.2"))) {
      Response r =
          nginx.send(
              "POST /.authhost/nginx-rtmp HTTP/1.0\nHost: 127.0.0.1\n"
                  + "Content-Type: application/x-www-form-urlencoded",
              publish("cam9", "&user=alice&pass=pw-alice").getBytes(StandardCharsets.UTF_8));
      assertEquals(200, r.status());
    }
  }

  @Test
  void aStreamKeyGoesToTheApiKeyPlugin() throws Exception {
    assertEquals(200, post(publish("cam2", "&key=" + KEY)).status());
    assertEquals(403, post(publish("cam2", "&key=not-the-key")).status());
    assertFalse(
        StreamServerHosts.audited(host, "logon failed", "protocol=ApiKey", "client=127.0.0.1")
            .isEmpty());
  }

  @Test
  void anAnonymousPointLetsPlayersInButNotPublishers() throws Exception {
    assertEquals(200, post(play("pub", "show", "198.51.100.4", "")).status());
    assertEquals(
        403, post(session("pub", "198.51.100.4") + "&call=publish&name=show&type=live").status());
  }

  @Test
  void connectIsAllowedUncheckedAndDoneCallsAreAnswered200() throws Exception {
    // ffmpeg's connect carries no query: checked at publish and play instead.
    assertEquals(200, post(session("live", "127.0.0.1") + "&epoch=1234&call=connect").status());
    for (String done : List.of("publish_done", "play_done", "done", "record_done")) {
      assertEquals(
          200, post(session("live", "127.0.0.1") + "&call=" + done + "&name=cam1").status(), done);
    }
    assertEquals(200, post("&call=disconnect&app=live").status());
  }

  @Test
  void notifyMethodGetCarriesTheFieldsInTheQuery() throws Exception {
    try (RawHttpConnection nginx = new RawHttpConnection("127.0.0.1", port)) {
      Response r =
          nginx.send(
              "GET /.authhost/nginx-rtmp?"
                  + publish("cam3", "&user=alice&pass=pw-alice")
                  + " HTTP/1.0\nHost: 127.0.0.1\nConnection: Close",
              null);
      assertEquals(200, r.status());
    }
    // The call's URI holds the password: it is never written to the audit.
    assertTrue(StreamServerHosts.audited(host, "pw-alice").isEmpty());
  }

  @Test
  void anUpdateCutsAnAccountDisabledMidStream() throws Exception {
    assertEquals(200, post(publish("cam4", "&user=dave&pass=pw-dave")).status());
    String update =
        session("live", "127.0.0.1")
            + "&call=update_publish&time=30&timestamp=30000&name=cam4&user=dave&pass=pw-dave";
    assertEquals(200, post(update).status());
    assertEquals(
        0,
        Main.commandLine().execute("accounts", "disable", "dave", "--config", config.toString()));
    clock.advance(Duration.ofSeconds(2)); // the account poller reads the store again
    assertEquals(403, post(update).status());
    assertEquals(
        403,
        post(session("live", "127.0.0.1")
                + "&call=update_play&time=30&timestamp=1&name=cam4"
                + "&user=dave&pass=pw-dave")
            .status());
  }

  @Test
  void lockoutCountsThePayloadsClientAndAccountNotTheCaller() throws Exception {
    // The client adds its own addr= to its URL: nginx-rtmp's own field comes first and wins.
    String from = "&addr=10.9.9.9";
    for (int i = 0; i < 3; i++) {
      assertEquals(
          403, post(play("live", "c5", "192.0.2.9", "&user=erin&pass=x" + i + from)).status());
    }
    assertEquals(
        403, post(play("live", "c5", "192.0.2.9", "&user=erin&pass=pw-erin" + from)).status());
    assertFalse(StreamServerHosts.audited(host, "lockout", "erin", "client=192.0.2.9").isEmpty());
    assertTrue(StreamServerHosts.audited(host, "client=10.9.9.9").isEmpty());
    // The caller and its other clients are not locked out.
    assertEquals(200, post(play("live", "c5", "192.0.2.10", "&user=alice&pass=pw-alice")).status());
  }

  @Test
  void mediamtxAdministrativeActionsNeedWriteAtTheAdminPoint() throws Exception {
    // The same host also answers MediaMTX, with "live" as its administrative point.
    for (String action : List.of("api", "metrics", "pprof")) {
      String body =
          "{\"ip\":\"127.0.0.1\",\"user\":\"%s\",\"password\":\"pw-%s\",\"token\":\"pw-%s\","
              + "\"action\":\"%s\",\"path\":\"\",\"protocol\":\"\",\"id\":null,\"query\":\"\"}";
      try (RawHttpConnection mtx = new RawHttpConnection("127.0.0.1", port)) {
        Response alice =
            mtx.send(
                "POST /.authhost/mediamtx HTTP/1.1\nContent-Type: application/json",
                body.formatted("alice", "alice", "alice", action).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, alice.status(), action);
        Response carol =
            mtx.send(
                "POST /.authhost/mediamtx HTTP/1.1\nContent-Type: application/json",
                body.formatted("carol", "carol", "carol", action).getBytes(StandardCharsets.UTF_8));
        assertEquals(403, carol.status(), action + ": carol may only read at live");
      }
    }
  }

  @Test
  void malformedCallsAreRefusedAndAudited() throws Exception {
    List<String> bad =
        List.of(
            "app=live&name=x&addr=127.0.0.1", // no call
            session("live", "127.0.0.1") + "&call=shutdown&name=x", // unknown call
            session("live", "127.0.0.1") + "&call=publish", // no name
            session("live", "not-an-ip") + "&call=publish&name=x&user=alice&pass=pw-alice",
            publish("..", "&user=alice&pass=pw-alice"),
            publish("a%00b", "&user=alice&pass=pw-alice"),
            publish("a%2F..%2F..%2Fpub", "&user=alice&pass=pw-alice"),
            publish("x", "&user=alice&pass=pw-alice%zz"),
            "{\"call\":\"publish\"}");
    for (String form : bad) {
      Response r = post(form);
      assertEquals(403, r.status(), form);
    }
    assertTrue(
        StreamServerHosts.audited(host, "malformed nginx-rtmp call", "via=nginx-rtmp@127.0.0.1")
                .size()
            >= bad.size());
    assertFalse(
        StreamServerHosts.audited(host, "malformed nginx-rtmp call: missing required field 'call'")
            .isEmpty());
    // The decoder's own message would quote the whole form, the password with it.
    assertTrue(StreamServerHosts.audited(host, "pw-alice").isEmpty());
  }

  @Test
  void aHugeBodyIsRefusedAndTheConnectionClosed() throws Exception {
    try (RawHttpConnection nginx = new RawHttpConnection("127.0.0.1", port)) {
      Response r =
          nginx.send(
              "POST /.authhost/nginx-rtmp HTTP/1.1\nContent-Type: application/x-www-form-urlencoded",
              (publish("big", "&user=alice&pass=pw-alice") + "&pad=" + "x".repeat(20_000))
                  .getBytes(StandardCharsets.US_ASCII));
      assertEquals(403, r.status());
      assertTrue(nginx.closedByServer());
    }
    assertFalse(StreamServerHosts.audited(host, "body longer than 16384 bytes").isEmpty());
    // A body not in UTF-8.
    try (RawHttpConnection nginx = new RawHttpConnection("127.0.0.1", port)) {
      byte[] body = (publish("b", "") + "&x=\u00ff").getBytes(StandardCharsets.ISO_8859_1);
      assertEquals(403, nginx.send("POST /.authhost/nginx-rtmp HTTP/1.0", body).status());
    }
    assertTrue(Files.exists(config));
  }
}
