package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.authn.Audit;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.http.content.TestTls;
import org.authhost.host.plugins.PluginStatus;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving layer end to end: a real host with the Anonymous, Basic and a connection-bound test
 * plug-in, real sockets, curl as the client, a real origin server and a real TLS keystore.
 */
class HttpServingTest {
  @TempDir static Path root;

  static AuthHost host;

  /** The host's time: the account poller runs when a test moves it. */
  static final MutableClock clock = new MutableClock();

  static HttpServer origin;
  static byte[] clip;
  static int port;
  static int tlsPort;

  @BeforeAll
  static void start() throws Exception {
    Path media = Files.createDirectories(root.resolve("media"));
    Files.writeString(media.resolve("hello.txt"), "hello, world: 0123456789abcdefghij\n");
    clip = new byte[1 << 20];
    new Random(7).nextBytes(clip);
    Files.write(media.resolve("clip.mp4"), clip);
    Files.writeString(root.resolve("secret.txt"), "the secret outside the publishing point\n");

    origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext(
        "/base/",
        exchange -> {
          byte[] body =
              ("origin saw "
                      + exchange.getRequestMethod()
                      + " "
                      + exchange.getRequestURI()
                      + " authorization="
                      + exchange.getRequestHeaders().getFirst("Authorization"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    origin.start();

    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"), plugins.resolve("anonymous.jar"));
    Files.copy(PluginJar.builtinPlugin("authhost-plugin-basic.jar"), plugins.resolve("basic.jar"));
    // A plug-in from before API 1.3: bound to its connection because the host always knew
    // Negotiate by name (LegacyProtocolFlags).
    PluginJar.of("bound", "org.authhost.testplugins.bound.BoundPlugin")
        .with("api-version", "1.0")
        .writeTo(plugins, "bound.jar");
    PluginJar.of("throwing", "org.authhost.testplugins.throwing.ThrowingPlugin")
        .writeTo(plugins, "throwing.jar");
    // The same handshake from API 1.3 plug-ins: bound by the flag under a name the host never
    // heard of, and not bound under the name "NTLM" without it.
    PluginJar.of("bound", "org.authhost.testplugins.bound.BoundPlugin")
        .with("id", "handshake")
        .with("api-version", "1.3")
        .writeTo(plugins, "handshake.jar");
    PluginJar.of("bound", "org.authhost.testplugins.bound.BoundPlugin")
        .with("id", "unflagged")
        .with("api-version", "1.3")
        .writeTo(plugins, "unflagged.jar");
    // A second plug-in offering the same bound scheme at another point: its own context.
    PluginJar.of("bound", "org.authhost.testplugins.bound.BoundPlugin")
        .with("id", "handshake2")
        .with("api-version", "1.3")
        .writeTo(plugins, "handshake2.jar");

    Path keystore = root.resolve("tls.p12");
    TestTls.writeKeyStore(keystore);

    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "callTimeoutMillis": 2000,
            "callbackTimeoutMillis": 2000,
            "order": ["anonymous", "basic", "bound", "throwing", "handshake", "unflagged", "handshake2"],
            "settings": {
              "handshake": { "properties": { "protocol": "X-Handshake", "connectionBound": "true" } },
              "handshake2": { "properties": { "protocol": "X-Handshake", "connectionBound": "true" } },
              "unflagged": { "properties": { "protocol": "NTLM" } }
            }
          },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": {
            "port": 0,
            "idleTimeoutMillis": 1500,
            "tls": { "keystore": "../tls.p12", "password": "changeit", "port": 0 }
          },
          "security": { "lockout": { "threshold": 3, "addressThreshold": 100, "windowSeconds": 300, "durationSeconds": 600 } },
          "publishingPoints": [
            { "name": "vod", "prefix": "/vod/", "directory": "../media" },
            { "name": "premium", "prefix": "/vod/premium/", "directory": "../media", "plugins": ["basic"],
              "acl": [ { "principal": "Users", "rights": ["read"] } ] },
            { "name": "broken", "prefix": "/broken/", "directory": "../media", "plugins": ["throwing"] },
            { "name": "members", "prefix": "/members/", "directory": "../media", "plugins": ["basic"],
              "acl": [ { "principal": "Users", "rights": ["read"] },
                       { "type": "deny", "principal": "bob", "rights": ["read"] } ] },
            { "name": "blocked", "prefix": "/blocked/", "directory": "../media", "ipDeny": ["127.0.0.0/8"] },
            { "name": "nego", "prefix": "/nego/", "directory": "../media", "plugins": ["bound"] },
            { "name": "handshake", "prefix": "/handshake/", "directory": "../media", "plugins": ["handshake"] },
            { "name": "unflagged", "prefix": "/unflagged/", "directory": "../media", "plugins": ["unflagged"] },
            { "name": "handshake2", "prefix": "/handshake2/", "directory": "../media", "plugins": ["handshake2"] },
            { "name": "origin", "prefix": "/origin/", "origin": "http://127.0.0.1:%d/base/" }
          ]
        }
        """
            .formatted(origin.getAddress().getPort()));
    for (String user : List.of("alice", "bob", "carol", "dave", "erin", "grace")) {
      account("add", user, "pw-" + user);
    }
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    port = host.http().plainPort();
    tlsPort = host.http().tlsPort();
  }

  private static void account(String command, String user, String password) {
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
      int rc =
          Main.commandLine()
              .execute(
                  "accounts",
                  command,
                  user,
                  "--password-stdin",
                  "--config",
                  root.resolve("config").toString());
      assertEquals(0, rc, "accounts " + command + " " + user);
    } finally {
      System.setIn(stdin);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
    if (origin != null) {
      origin.stop(0);
    }
  }

  /** curl's answer: the status code, the body, and the headers. */
  record Curl(int status, byte[] body, String headers) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  static Curl curl(String... args) throws Exception {
    Path body = Files.createTempFile(root, "body", ".bin");
    Path headers = Files.createTempFile(root, "headers", ".txt");
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "-S",
                "--max-time",
                "20",
                "-o",
                body.toString(),
                "-D",
                headers.toString(),
                "-w",
                "%{http_code}"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "curl " + command + ": " + err);
    return new Curl(Integer.parseInt(out), Files.readAllBytes(body), Files.readString(headers));
  }

  static String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  static List<EventRecord> audit(String contains) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(contains))
        .toList();
  }

  @Test
  void aKeepAliveClientIsOneLogonPerConnection() throws Exception {
    // Its own file, so that no other test's requests are counted here.
    String marker = "request=\"GET /vod/hello.txt?keepalive\"";
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, c.get("/vod/hello.txt?keepalive", null).status());
      }
    }
    assertEquals(
        1,
        audit("logon succeeded").stream().filter(e -> e.text().contains(marker)).count(),
        "three requests on one connection are one logon");
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(200, c.get("/vod/hello.txt?keepalive", null).status());
    }
    assertEquals(
        2,
        audit("logon succeeded").stream().filter(e -> e.text().contains(marker)).count(),
        "a new connection is a new logon");
  }

  @Test
  void aSuccessAfterAFailureAndAnotherPointAreNewLogons() throws Exception {
    String right =
        "Basic "
            + Base64.getEncoder().encodeToString("grace:pw-grace".getBytes(StandardCharsets.UTF_8));
    String wrong =
        "Basic "
            + Base64.getEncoder().encodeToString("grace:nope".getBytes(StandardCharsets.UTF_8));
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(200, c.get("/members/hello.txt?relogon", right).status());
      assertEquals(200, c.get("/members/hello.txt?relogon", right).status());
      assertEquals(401, c.get("/members/hello.txt?relogon", wrong).status());
      assertEquals(200, c.get("/members/hello.txt?relogon", right).status());
      assertEquals(200, c.get("/vod/premium/hello.txt?relogon", right).status());
    }
    assertEquals(
        2,
        audit("logon succeeded").stream()
            .filter(e -> e.text().contains("request=\"GET /members/hello.txt?relogon\""))
            .count(),
        "the success after the failure is audited: the trail never ends on a failure when access was granted");
    assertEquals(
        1,
        audit("logon succeeded").stream()
            .filter(e -> e.text().contains("request=\"GET /vod/premium/hello.txt?relogon\""))
            .count(),
        "another publishing point on the same connection is a logon of its own");
  }

  @Test
  void aQuoteInTheTargetCannotPoseAsAnotherAuditField() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      c.get("/vod/hello.txt?q=\"x\"%20account=\"Administrator\"", null);
    }
    List<EventRecord> logged = audit("/vod/hello.txt?q=");
    assertFalse(logged.isEmpty());
    assertTrue(
        logged.stream()
            .allMatch(e -> e.text().contains("?q=\\\"x\\\"%20account=\\\"Administrator\\\"\"")),
        logged.toString());
  }

  @Test
  void anonymousClientsGetTheFileAndAnAuditEvent() throws Exception {
    Curl c = curl(url("/vod/hello.txt"));
    assertEquals(200, c.status());
    assertEquals("hello, world: 0123456789abcdefghij\n", c.text());
    assertTrue(c.headers().toLowerCase().contains("content-type: text/plain"), c.headers());
    // Content anyone may have: shared caches may keep it (only one user's answers say private).
    assertFalse(c.headers().toLowerCase().contains("cache-control"), c.headers());
    assertFalse(
        audit("logon succeeded").stream()
            .filter(e -> e.text().contains("protocol=Anonymous"))
            .toList()
            .isEmpty());
  }

  @Test
  void aRangeRequestGetsExactlyThoseBytes() throws Exception {
    Curl c = curl("-r", "1000-1999", url("/vod/clip.mp4"));
    assertEquals(206, c.status());
    assertArrayEquals(Arrays.copyOfRange(clip, 1000, 2000), c.body());
    assertTrue(c.headers().toLowerCase().contains("content-type: video/mp4"), c.headers());
  }

  @Test
  void basicSucceedsForTheRightPasswordAndIsRefusedAndAuditedForAWrongOne() throws Exception {
    Curl challenge = curl(url("/members/hello.txt"));
    assertEquals(401, challenge.status());
    assertTrue(
        challenge
            .headers()
            .contains("WWW-Authenticate: Basic realm=\"AuthHost\", charset=\"UTF-8\""),
        challenge.headers());
    assertFalse(
        challenge.headers().contains("Anonymous"), "the point's own list replaces the server's");

    Curl ok = curl("-u", "alice:pw-alice", url("/members/hello.txt"));
    assertEquals(200, ok.status());
    assertEquals("hello, world: 0123456789abcdefghij\n", ok.text());

    int failuresBefore = audit("logon failed").size();
    Curl wrong = curl("-u", "alice:not-her-password", url("/members/hello.txt"));
    assertEquals(401, wrong.status());
    List<EventRecord> failures = audit("logon failed");
    assertEquals(failuresBefore + 1, failures.size());
    EventRecord last = failures.get(failures.size() - 1);
    assertTrue(
        last.text().contains("account=\"TESTHOST\\\\alice\"")
            && last.text().contains("protocol=Basic")
            && last.text().contains("point=members")
            && last.text().contains("client=127.0.0.1"),
        last.text());
    assertEquals(0, host.tokens().openHandles(), "per-request contexts release their tokens");
  }

  @Test
  void anAclDenyWinsAndIsAudited() throws Exception {
    Curl c = curl("-u", "bob:pw-bob", url("/members/hello.txt"));
    assertEquals(403, c.status());
    assertFalse(
        audit("access denied to TESTHOST\\bob").isEmpty(),
        host.eventLog().query(EventQuery.all()).toString());
  }

  @Test
  void aDeniedAddressGets403() throws Exception {
    Curl c = curl(url("/blocked/hello.txt"));
    assertEquals(403, c.status());
    assertFalse(audit("is not allowed by publishing point blocked").isEmpty());
  }

  @Test
  void theReverseProxyForwardsToTheOriginWithoutTheCredentials() throws Exception {
    Curl c = curl(url("/origin/some/thing?x=1"));
    assertEquals(200, c.status());
    assertEquals("origin saw GET /base/some/thing?x=1 authorization=null", c.text());
  }

  @Test
  void tlsServesWithTheKeystoreFromConfig() throws Exception {
    Curl c = curl("-k", "https://127.0.0.1:" + tlsPort + "/vod/hello.txt");
    assertEquals(200, c.status());
    assertEquals("hello, world: 0123456789abcdefghij\n", c.text());
  }

  @Test
  void traversalNeverLeavesThePublishingPoint() throws Exception {
    for (String path :
        List.of(
            "/vod/../secret.txt",
            "/vod/%2e%2e/secret.txt",
            "/vod/..%2fsecret.txt",
            "/vod/%2e%2e%2fsecret.txt",
            "/vod/a%00b",
            "/vod/%c0%ae%c0%ae/secret.txt")) {
      Curl c = curl("--path-as-is", url(path));
      assertTrue(c.status() == 404 || c.status() == 400, path + " -> " + c.status());
      assertFalse(c.text().contains("secret outside"), path);
    }
  }

  @Test
  void lockoutRefusesFurtherAttemptsEvenWithTheRightPassword() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(401, curl("-u", "carol:wrong" + i, url("/members/hello.txt")).status());
    }
    Curl locked = curl("-u", "carol:pw-carol", url("/members/hello.txt"));
    assertEquals(429, locked.status());
    assertTrue(locked.headers().toLowerCase().contains("retry-after:"), locked.headers());
    assertFalse(audit("lockout: account=\"TESTHOST\\\\carol\"").isEmpty());
  }

  @Test
  void theHostBindsAHandshakeToTheConnectionByThePluginsFlagNotByItsName() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(401, c.get("/handshake/hello.txt", "X-Handshake hello").status());
      assertEquals(
          200,
          c.get("/handshake/hello.txt", "X-Handshake proof").status(),
          "CONNECTION_BOUND under a name the host never heard of");
      // A 1.3 plug-in named NTLM without the flag gets a fresh context per request: its second
      // leg finds no first one.
      assertEquals(401, c.get("/unflagged/hello.txt", "NTLM hello").status());
      assertEquals(
          401,
          c.get("/unflagged/hello.txt", "NTLM proof").status(),
          "not bound: the name alone binds nothing");
    }
  }

  @Test
  void twoPluginsOfferingOneBoundSchemeKeepTheirOwnContextsOnOneConnection() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(401, c.get("/handshake/hello.txt", "X-Handshake hello").status());
      // The same scheme at the other plug-in's point: that plug-in never saw the first leg, so
      // the proof is refused there. Keyed by scheme, the host handed it the first plug-in's
      // challenged context, and the wrong plug-in logged the client on.
      assertEquals(
          401,
          c.get("/handshake2/hello.txt", "X-Handshake proof").status(),
          "another plug-in's handshake is not this one's");
      assertEquals(401, c.get("/handshake/hello.txt", "X-Handshake hello").status());
      assertEquals(
          200,
          c.get("/handshake/hello.txt", "X-Handshake proof").status(),
          "each plug-in's own handshake still completes");
    }
  }

  @Test
  void aConnectionBoundTokenIsInvalidOnceTheConnectionCloses() throws Exception {
    TokenHandle handle;
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response first = c.get("/nego/hello.txt", "Negotiate hello");
      assertEquals(401, first.status());
      assertTrue(
          first.headers().contains("WWW-Authenticate: Negotiate round-2"),
          first.headers().toString());
      RawHttpConnection.Response second = c.get("/nego/hello.txt", "Negotiate proof");
      assertEquals(200, second.status());
      assertTrue(
          second.headers().contains("WWW-Authenticate: Negotiate mutual-token"),
          "the final token of a mutual authentication comes with the 200: " + second.headers());
      assertEquals(
          200, c.get("/nego/hello.txt", null).status(), "the connection stays authenticated");
      assertEquals(
          401, c.get("/members/hello.txt", null).status(), "but only where its plug-in is offered");
      List<EventRecord> logged = host.eventLog().query(EventQuery.all().withSource("bound"));
      String text = logged.get(logged.size() - 1).text();
      handle = new TokenHandle(Long.parseLong(text.split(" ")[1]));
      assertTrue(host.tokens().isOpen(handle));
    }
    // The server sees the close a moment later, on its own thread: the table tells when it is done.
    assertTrue(
        host.tokens().awaitClosed(handle, Duration.ofSeconds(5)), "closed with the connection");
    assertEquals(HResult.SEC_E_INVALID_HANDLE, host.tokens().queryToken(handle, new Out<>()));
  }

  @Test
  void aBarrageOfMalformedRequestsNeverGets500AndTheServerServesTheNextOne() throws Exception {
    String longTarget = "/vod/" + "a".repeat(20_000);
    StringBuilder manyHeaders = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      manyHeaders.append("X-H").append(i).append(": v\r\n");
    }
    List<String> bad =
        List.of(
            "garbage\r\n\r\n",
            "GET\r\n\r\n",
            "GET /vod/hello.txt HTTP/1.1\r\n\r\n",
            "GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /vod/hello.txt HTTP/1.1\r\nHost: x\r\n" + manyHeaders + "\r\n",
            "GET /vod/hello.txt HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n",
            "GET /members/hello.txt HTTP/1.1\r\nHost: x\r\nAuthorization: \r\n\r\n",
            "GET /members/hello.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Basic\r\n\r\n",
            "GET /members/hello.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Basic !!!notbase64\r\n\r\n",
            "GET /members/hello.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Basic Ym9i\r\n\r\n",
            "GET /members/hello.txt HTTP/1.1\r\nHost: x\r\nAuthorization: B@sic xx\r\n\r\n",
            "GET /members/hello.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Basic a\r\nAuthorization: Basic b\r\n\r\n",
            "GET /members/hello.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Digest username=\"x\r\n\r\n",
            "GET http://evil/vod/hello.txt HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET ftp://x/vod HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /vod/hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
            "GET /vod/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /vod/hello.txt HTTP/1.1\r\nHost: x\r\nA header without a colon\r\n\r\n",
            "GET /vod/hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            "GET /vod/hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET /vod/hello.txt HTTP/9.9\r\nHost: x\r\n\r\n");
    for (String request : bad) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String statusLine;
        try {
          statusLine = in.readLine();
        } catch (SocketTimeoutException e) {
          throw new AssertionError("no answer and no close for " + shortly(request));
        }
        if (statusLine == null) {
          continue; // closed without an answer: acceptable for garbage, never a 500
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        // 505 is the one 5xx RFC 9112 asks for: a version the server does not speak.
        assertTrue(
            status < 500 || (status == 505 && request.contains(" HTTP/9.9\r\n")),
            shortly(request) + " -> " + statusLine);
      }
    }
    assertEquals(200, curl(url("/vod/hello.txt")).status());
  }

  @Test
  void aNestedPointCannotBeReachedThroughAnotherSpellingOfItsPath() throws Exception {
    assertEquals(401, curl(url("/vod/premium/hello.txt")).status());
    for (String path :
        List.of(
            "/vod/%70remium/hello.txt",
            "/vod//premium/hello.txt",
            "/vod/./premium/hello.txt",
            "/vod/premium/../premium/hello.txt")) {
      Curl c = curl("--path-as-is", url(path));
      assertTrue(c.status() == 400 || c.status() == 401, path + " -> " + c.status());
      assertFalse(c.text().contains("hello, world"), path);
    }
    assertEquals(200, curl("-u", "alice:pw-alice", url("/vod/premium/hello.txt")).status());
  }

  @Test
  void proxiedPathsCannotClimbOutOfTheOriginBase() throws Exception {
    for (String path : List.of("/origin/../secret", "/origin/%2e%2e/secret", "/origin/a%2fb")) {
      Curl c = curl("--path-as-is", url(path));
      assertEquals(400, c.status(), path);
      assertFalse(c.text().contains("origin saw"), path);
    }
  }

  @Test
  void theLockoutHoldsWhateverWayTheNameIsWrittenAndHidesWhetherThePasswordWasRight()
      throws Exception {
    for (String name : List.of("dave", " dave", "DAVE")) {
      assertEquals(401, curl("-u", name + ":wrong", url("/members/hello.txt")).status(), name);
    }
    Curl right = curl("-u", "dave:pw-dave", url("/members/hello.txt"));
    Curl wrong = curl("-u", "dave:wrong-again", url("/members/hello.txt"));
    assertEquals(429, right.status());
    assertEquals(429, wrong.status());
    assertEquals(right.text(), wrong.text());
  }

  @Test
  void aFailingPluginFailsClosedWith503NotWith401() throws Exception {
    Curl first = curl(url("/broken/hello.txt"));
    assertEquals(503, first.status());
    assertTrue(first.headers().toLowerCase().contains("retry-after:"), first.headers());
    Curl again = curl(url("/broken/hello.txt"));
    assertEquals(503, again.status(), "the plug-in is in error now and never offered");
    assertFalse(audit("point=broken").isEmpty());
  }

  @Test
  void aFloodOfWrongPasswordsEndsInTheLockoutAndLeavesBasicInService() throws Exception {
    List<Process> clients = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      clients.add(
          new ProcessBuilder(
                  "curl",
                  "-s",
                  "-o",
                  "/dev/null",
                  "-w",
                  "%{http_code}",
                  "--max-time",
                  "30",
                  "-u",
                  "erin:wrong" + i,
                  url("/members/hello.txt"))
              .start());
    }
    List<Integer> statuses = new ArrayList<>();
    for (Process p : clients) {
      statuses.add(Integer.parseInt(new String(p.getInputStream().readAllBytes()).strip()));
      p.waitFor();
    }
    // Wrong passwords end in the lockout's 429; a check the slow-hash limits could not admit in
    // time is 503 (security.slowChecks), never a 401 and never counted as a failure. No fixed cap
    // on logons in progress refuses anything else.
    assertTrue(
        statuses.stream().allMatch(s -> s == 401 || s == 429 || s == 503), statuses.toString());
    assertTrue(statuses.contains(429), "the lockout ends the flood: " + statuses);
    var basic = host.plugins().plugin("basic").orElseThrow();
    assertEquals(PluginStatus.LOADED | PluginStatus.ENABLED, basic.status(), basic.errorText());
    assertEquals(200, curl("-u", "alice:pw-alice", url("/members/hello.txt")).status());
  }

  @Test
  void aConnectionClosesAfterAnAnswerThatSaysSo() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response r = c.get("/members/hello.txt", "B@sic xx");
      assertEquals(400, r.status());
      assertTrue(
          r.headers().stream().anyMatch(h -> h.equalsIgnoreCase("connection: close")),
          r.headers().toString());
      assertTrue(c.closedByServer(), "closed after Connection: close");
    }
    // A slow request head is cut off in ConnectionDeadlinesTest, on a host of its own whose fake
    // clock starts with the connection.
  }

  @Test
  void anAccountAddedWhileTheHostRunsCanLogOnWithoutARestart() throws Exception {
    assertEquals(401, curl("-u", "frank:pw-frank", url("/members/hello.txt")).status());
    account("add", "frank", "pw-frank");
    // The running host's store sees the file change at its next poll, a second on; checked
    // without spending logon attempts, since each failed one would count towards frank's lockout.
    Out<TokenHandle> probe = new Out<>();
    assertTrue(host.tokens().logonUser("frank", "probe", probe).failed(), "seen before the poll");
    clock.advance(Duration.ofSeconds(1));
    host.tokens().logonUser("frank", "probe", probe);
    assertTrue(probe.isSet(), "the running host never saw the new account");
    host.tokens().closeHandle(probe.get());
    assertEquals(200, curl("-u", "frank:pw-frank", url("/members/hello.txt")).status());
  }

  private static String shortly(String request) {
    return request.length() > 80 ? request.substring(0, 80) + "..." : request;
  }
}
