package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx {@code auth_request} at socket level: the subrequests exactly as nginx 1.22 sends them to
 * the documented location (a GET to the auth path with the client's headers, {@code
 * X-Original-URI}, {@code X-Original-Method} and {@code X-Forwarded-For}; reference §3.2), to a
 * real host with the Basic and Digest plug-ins. Every answer is 200, 401 or 403: nginx makes any
 * other a 500.
 */
class NginxAuthRequestTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static int port;

  static final String HOST_JSON =
      """
      {
        "serverName": "testhost",
        "dataDirectory": "../var",
        "plugins": { "directory": "../plugins", "settings": { "digest": { "enabled": true,
          "properties": { "realm": "AuthHost", "algorithms": "MD5" } } } },
        "eventLog": { "auditSummarySeconds": 0 },
        "http": { "port": 0 },
        "accounts": { "digestRealms": ["AuthHost"] },
        "security": { "trustedProxies": ["127.0.0.1"],
          "lockout": { "threshold": 3, "addressThreshold": 100 } },
        "publishingPoints": [
          { "name": "hls", "prefix": "/hls/", "plugins": ["basic", "digest"] },
          { "name": "down", "prefix": "/down/", "plugins": ["nosuch"] },
          { "name": "vod", "prefix": "/vod/", "directory": "../media", "plugins": ["basic"] }
        ],
        "integrations": {
          "successAuditSeconds": 300,
          "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["hls", "down"],
                                "callers": ["127.0.0.1"] }
        }
      }
      """;

  @BeforeAll
  static void start() throws Exception {
    Path config =
        StreamServerHosts.configFolder(
            root, HOST_JSON, List.of("authhost-plugin-basic.jar", "authhost-plugin-digest.jar"));
    host = StreamServerHosts.start(config, clock);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** nginx's subrequest for a client at {@code client} asking for {@code uri}. */
  static Response ask(RawHttpConnection nginx, String client, String uri, String... more)
      throws Exception {
    StringBuilder head =
        new StringBuilder("GET /.authhost/nginx HTTP/1.1\n")
            .append("Host: 127.0.0.1:" + port + "\n")
            .append("X-Original-URI: " + uri + "\n")
            .append("X-Forwarded-For: " + client + "\n")
            .append(
                List.of(more).stream().anyMatch(h -> h.startsWith("X-Original-Method:"))
                    ? ""
                    : "X-Original-Method: GET\n")
            .append("User-Agent: curl/7.88.1\n")
            .append("Accept: */*\n");
    for (String h : more) {
      head.append(h).append('\n');
    }
    Response r = nginx.send(head.toString(), null);
    assertTrue(
        r.status() == 200 || r.status() == 401 || r.status() == 403,
        "nginx makes a " + r.status() + " a 500");
    return r;
  }

  static RawHttpConnection nginx() throws Exception {
    return new RawHttpConnection("127.0.0.1", port);
  }

  static String basic(String user, String password) {
    return "Authorization: Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicThroughAuthRequestAllowsAndNamesTheAccount() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      Response r = ask(nginx, "127.0.0.1", "/hls/live/index.m3u8", basic("alice", "pw-alice"));
      assertEquals(200, r.status());
      assertEquals(0, r.body().length);
      assertEquals(1, r.values("X-AuthHost-User").size());
      assertTrue(
          r.values("X-AuthHost-User").get(0).toLowerCase().endsWith("alice"),
          r.headers().toString());
      // Keep-alive: nginx's upstream connection carries the next subrequest, another client's.
      Response next = ask(nginx, "127.0.0.1", "/hls/live/1.ts", basic("bob", "pw-bob"));
      assertEquals(200, next.status());
      assertTrue(next.values("X-AuthHost-User").get(0).toLowerCase().endsWith("bob"));
    }
  }

  @Test
  void noOrWrongCredentialsGet401WithTheChallengesNginxPassesOn() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      Response none = ask(nginx, "127.0.0.1", "/hls/a.m3u8");
      assertEquals(401, none.status());
      assertNotNull(none.challengeData("Basic"), none.headers().toString());
      assertNotNull(none.challengeData("Digest"), none.headers().toString());
      Response wrong = ask(nginx, "127.0.0.1", "/hls/a.m3u8", basic("carol", "wrong"));
      assertEquals(401, wrong.status());
      assertNotNull(wrong.challengeData("Basic"));
      assertFalse(
          StreamServerHosts.audited(
                  host,
                  "logon failed",
                  "account=\"TESTHOST\\\\carol\"",
                  "via=nginx auth_request@127.0.0.1")
              .isEmpty());
    }
  }

  @Test
  void digestIsCheckedAgainstTheOriginalUriAndMethod() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      Response challenge = ask(nginx, "127.0.0.1", "/hls/d/index.m3u8");
      LoadTool.DigestClient client =
          LoadTool.DigestClient.from(challenge.values("WWW-Authenticate"), "alice:pw-alice", "MD5");
      assertNotNull(client, challenge.headers().toString());
      String authorization = client.next("/hls/d/index.m3u8");
      Response ok = ask(nginx, "127.0.0.1", "/hls/d/index.m3u8", "Authorization: " + authorization);
      assertEquals(200, ok.status(), ok.headers().toString());
      // The same header for another URI (the subrequest's own path is never the one checked).
      String again = client.next("/hls/d/index.m3u8");
      assertEquals(
          401, ask(nginx, "127.0.0.1", "/hls/d/other.m3u8", "Authorization: " + again).status());
      // And for another method: the digest covers GET.
      String third = client.next("/hls/d/index.m3u8");
      assertEquals(
          401,
          ask(
                  nginx,
                  "127.0.0.1",
                  "/hls/d/index.m3u8",
                  "X-Original-Method: POST",
                  "Authorization: " + third)
              .status());
    }
  }

  @Test
  void aLockedOutClientGets403WithRetryAfterAndAReason() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      // Its own leg is TLS (nginx says so), so Basic is offered to it.
      for (int i = 0; i < 3; i++) {
        assertEquals(
            401,
            ask(
                    nginx,
                    "192.0.2.31",
                    "/hls/x.ts",
                    "X-Forwarded-Proto: https",
                    basic("erin", "x" + i))
                .status());
      }
      Response locked =
          ask(
              nginx,
              "192.0.2.31",
              "/hls/x.ts",
              "X-Forwarded-Proto: https",
              basic("erin", "pw-erin"));
      assertEquals(403, locked.status());
      assertEquals(List.of("locked-out"), locked.values("X-AuthHost-Reason"));
      assertEquals(1, locked.values("Retry-After").size());
      assertTrue(Long.parseLong(locked.values("Retry-After").get(0)) > 0);
      assertFalse(StreamServerHosts.audited(host, "lockout", "erin").isEmpty());
    }
  }

  @Test
  void aPointThatOnlyScopesAuthenticationHasNoContentForHttpClients() throws Exception {
    // "hls" has neither directory nor origin: nginx serves its files, AuthHost only decides.
    // (From loopback, which this host trusts as a proxy: the forwarded client is loopback too.)
    try (RawHttpConnection client = new RawHttpConnection("127.0.0.1", port)) {
      String get = "GET /hls/index.m3u8 HTTP/1.1\nX-Forwarded-For: 127.0.0.1\n";
      assertEquals(401, client.send(get, null).status());
      assertEquals(
          404,
          client.send(get + basic("alice", "pw-alice"), null).status(),
          "authorized, then nothing to serve");
    }
  }

  @Test
  void anUnavailablePluginIs403NeverA5xx() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      Response r = ask(nginx, "127.0.0.1", "/down/x.ts", basic("alice", "pw-alice"));
      assertEquals(403, r.status());
      assertEquals(List.of("unavailable"), r.values("X-AuthHost-Reason"));
      assertEquals(1, r.values("Retry-After").size());
    }
  }

  @Test
  void aPointNotListedOrNoPointAtAllIsRefused() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      Response vod = ask(nginx, "127.0.0.1", "/vod/hello.txt", basic("alice", "pw-alice"));
      assertEquals(403, vod.status());
      Response none = ask(nginx, "127.0.0.1", "/elsewhere/x", basic("alice", "pw-alice"));
      assertEquals(403, none.status());
      assertFalse(
          StreamServerHosts.audited(host, "publishing point vod is not listed in integrations")
              .isEmpty());
    }
  }

  @Test
  void malformedSubrequestsAreRefusedAsBadRequests() throws Exception {
    for (String[] headers :
        new String[][] {
          {"X-Original-URI: /hls/../vod/hello.txt", "X-Original-Method: GET"},
          {"X-Original-URI: /hls/%00x", "X-Original-Method: GET"},
          {"X-Original-URI: http://elsewhere/hls/x", "X-Original-Method: GET"},
          {"X-Original-URI: /hls/x", "X-Original-Method: G(ET"},
          {"X-Original-URI: /hls/x", "X-Original-Method: GET", "X-Forwarded-For: localhost"},
        }) {
      try (RawHttpConnection nginx = nginx()) {
        StringBuilder head =
            new StringBuilder("GET /.authhost/nginx HTTP/1.1\nX-Forwarded-For: 127.0.0.1\n");
        for (String h : headers) {
          head.append(h).append('\n');
        }
        head.append(basic("alice", "pw-alice")).append('\n');
        Response r = nginx.send(head.toString(), null);
        assertEquals(403, r.status(), String.join(" ", headers));
        assertEquals(List.of("bad-request"), r.values("X-AuthHost-Reason"));
      }
    }
    try (RawHttpConnection nginx = nginx()) {
      Response r =
          nginx.send(
              "GET /.authhost/nginx HTTP/1.1\nX-Forwarded-For: 127.0.0.1\n"
                  + basic("alice", "pw-alice"),
              null);
      assertEquals(403, r.status());
    }
    assertFalse(StreamServerHosts.audited(host, "no X-Original-URI header").isEmpty());
  }

  @Test
  void aBodyForwardedByMistakeEndsTheConnectionAfterTheAnswer() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      Response r =
          nginx.send(
              "GET /.authhost/nginx HTTP/1.1\nX-Original-URI: /hls/up\nX-Original-Method: POST\n"
                  + "X-Forwarded-For: 127.0.0.1\n"
                  + basic("alice", "pw-alice"),
              "a=1&b=2".repeat(100).getBytes(StandardCharsets.US_ASCII));
      // POST needs write, which Everyone lacks at the point: refused, and at once.
      assertEquals(403, r.status());
      assertEquals(List.of("close"), r.values("Connection"));
      assertTrue(nginx.closedByServer());
    }
  }

  @Test
  void aPhantomContentLengthCannotSmuggleTheNextSubrequest() throws Exception {
    // nginx passes the client's Content-Length on (without proxy_set_header Content-Length "")
    // and sends no body: the next bytes on its pooled connection are another client's subrequest.
    String next =
        "GET /.authhost/nginx HTTP/1.1\r\nHost: x\r\nX-Original-URI: /hls/b.ts\r\n"
            + "X-Original-Method: GET\r\nX-Forwarded-For: 192.0.2.9\r\n\r\n";
    String first =
        "GET /.authhost/nginx HTTP/1.1\r\nHost: x\r\nX-Original-URI: /hls/a.ts\r\n"
            + "X-Original-Method: POST\r\nX-Forwarded-For: 127.0.0.1\r\nContent-Length: 20\r\n"
            + basic("alice", "pw-alice")
            + "\r\n\r\n";
    try (RawHttpConnection nginx = nginx()) {
      Response r = nginx.sendRaw((first + next).getBytes(StandardCharsets.US_ASCII));
      assertEquals(403, r.status());
      assertEquals(List.of("close"), r.values("Connection"));
      // No second answer: the rest was never read as a request of its own.
      assertTrue(nginx.closedByServer());
    }
    try (RawHttpConnection nginx = nginx()) {
      Response chunked =
          nginx.sendRaw(
              ("GET /.authhost/nginx HTTP/1.1\r\nHost: x\r\nX-Original-URI: /hls/a.ts\r\n"
                      + "X-Original-Method: GET\r\nX-Forwarded-For: 127.0.0.1\r\n"
                      + "Transfer-Encoding: chunked\r\n"
                      + basic("alice", "pw-alice")
                      + "\r\n\r\n"
                      + next)
                  .getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, chunked.status(), "allowed, and still the connection ends");
      assertEquals(List.of("close"), chunked.values("Connection"));
      assertTrue(nginx.closedByServer());
    }
  }

  @Test
  void theClientsOwnForwardedHeaderIsNeverBelieved() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      // nginx passes the client's own Forwarded on: the client would choose its address and TLS.
      Response none =
          ask(nginx, "192.0.2.50", "/hls/f.ts", "Forwarded: for=198.51.100.7;proto=https");
      assertEquals(401, none.status());
      assertNotNull(none.challengeData("Digest"));
      assertEquals(
          null, none.challengeData("Basic"), "the client's leg is plain HTTP: no Basic offered");
      Response wrong =
          ask(
              nginx,
              "192.0.2.50",
              "/hls/f.ts",
              "Forwarded: for=198.51.100.7;proto=https",
              basic("dave", "wrong"));
      assertEquals(401, wrong.status());
      // One hop: the entry nginx appended is the client, whatever the client put before it.
      ask(nginx, "203.0.113.1, 192.0.2.51", "/hls/f.ts", basic("dave", "wrong"));
    }
    // Basic over the client's plain-HTTP leg is not on offer: the header is refused unread.
    assertFalse(
        StreamServerHosts.audited(host, "'Basic' is not offered here", "client=192.0.2.50")
            .isEmpty());
    assertFalse(
        StreamServerHosts.audited(host, "'Basic' is not offered here", "client=192.0.2.51")
            .isEmpty());
    assertTrue(StreamServerHosts.audited(host, "198.51.100.7").isEmpty());
    assertTrue(StreamServerHosts.audited(host, "client=203.0.113.1").isEmpty());
  }

  @Test
  void aSubrequestWithoutTheDocumentedHeadersIsRefusedNamingTheLine() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      Response noMethod =
          nginx.send(
              "GET /.authhost/nginx HTTP/1.1\nX-Original-URI: /hls/w\nX-Forwarded-For: 127.0.0.1\n"
                  + basic("alice", "pw-alice"),
              null);
      assertEquals(403, noMethod.status(), "no read assumed for what may be a write");
      assertEquals(List.of("bad-request"), noMethod.values("X-AuthHost-Reason"));
      Response noClient =
          nginx.send(
              "GET /.authhost/nginx HTTP/1.1\nX-Original-URI: /hls/w\nX-Original-Method: GET\n"
                  + basic("alice", "pw-alice"),
              null);
      assertEquals(403, noClient.status());
      assertEquals(List.of("bad-request"), noClient.values("X-AuthHost-Reason"));
    }
    assertFalse(
        StreamServerHosts.audited(host, "proxy_set_header X-Original-Method $request_method")
            .isEmpty());
    assertFalse(
        StreamServerHosts.audited(host, "proxy_set_header X-Forwarded-For $remote_addr").isEmpty());
  }

  @Test
  void aRequestTheHttpRulesRefuseIsStillA403ForNginx() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      Response r =
          nginx.sendRaw(
              ("GET /.authhost/nginx HTTP/2.1\r\nHost: x\r\nX-Original-URI: /hls/v.ts\r\n"
                      + "X-Original-Method: GET\r\nX-Forwarded-For: 192.0.2.60\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertEquals(403, r.status(), "nginx makes a 505 a 500");
      assertEquals(List.of("bad-request"), r.values("X-AuthHost-Reason"));
    }
    // Audited with the status nginx got, and as a call (never the call's own URI).
    assertFalse(
        StreamServerHosts.audited(
                host, "refused 403", "version HTTP/2.1", "via=nginx auth_request@127.0.0.1")
            .isEmpty());
    assertTrue(StreamServerHosts.audited(host, "refused 505").isEmpty());
  }

  @Test
  void aFailureMakesTheNextSuccessAuditedAgain() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      String[] https = {"X-Forwarded-Proto: https"};
      assertEquals(
          200,
          ask(nginx, "192.0.2.88", "/hls/r/1.ts", https[0], basic("carol", "pw-carol")).status());
      assertEquals(
          200,
          ask(nginx, "192.0.2.88", "/hls/r/2.ts", https[0], basic("carol", "pw-carol")).status());
      assertEquals(
          401, ask(nginx, "192.0.2.88", "/hls/r/3.ts", https[0], basic("carol", "nope")).status());
      assertEquals(
          200,
          ask(nginx, "192.0.2.88", "/hls/r/4.ts", https[0], basic("carol", "pw-carol")).status());
    }
    assertEquals(2, StreamServerHosts.audited(host, "logon succeeded", "client=192.0.2.88").size());
  }

  @Test
  void anUntrustedCallerIsRefusedBeforeAnythingIsRead() throws Exception {
    try (RawHttpConnection stranger =
        new RawHttpConnection("127.0.0.1", port, InetAddress.getByName("127.0.0.2"))) {
      Response r = ask(stranger, "127.0.0.1", "/hls/x.ts", basic("alice", "pw-alice"));
      assertEquals(403, r.status());
      assertEquals(List.of("forbidden"), r.values("X-AuthHost-Reason"));
      assertTrue(r.values("X-AuthHost-User").isEmpty());
    }
    assertFalse(
        StreamServerHosts.audited(
                host,
                "refused 403",
                "caller 127.0.0.2 is not in integrations.nginxAuthRequest.callers",
                "via=nginx auth_request@127.0.0.2")
            .isEmpty());
    assertTrue(
        StreamServerHosts.audited(host, "logon", "client=127.0.0.2").isEmpty(),
        "no credential was checked");
  }

  @Test
  void aSuccessIsAuditedOncePerClientAccountAndPointInTheInterval() throws Exception {
    try (RawHttpConnection nginx = nginx()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(
            200,
            ask(
                    nginx,
                    "192.0.2.77",
                    "/hls/s/" + i + ".ts",
                    "X-Forwarded-Proto: https",
                    basic("carol", "pw-carol"))
                .status());
      }
      assertEquals(
          1, StreamServerHosts.audited(host, "logon succeeded", "client=192.0.2.77").size());
      clock.advance(Duration.ofSeconds(301));
    }
    // A new connection: the idle one has timed out on the moved clock.
    try (RawHttpConnection nginx = nginx()) {
      assertEquals(
          200,
          ask(
                  nginx,
                  "192.0.2.77",
                  "/hls/s/9.ts",
                  "X-Forwarded-Proto: https",
                  basic("carol", "pw-carol"))
              .status());
      assertEquals(
          2, StreamServerHosts.audited(host, "logon succeeded", "client=192.0.2.77").size());
    }
  }
}
