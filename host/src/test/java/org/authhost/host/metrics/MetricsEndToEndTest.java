package org.authhost.host.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a real host, scraped over a real socket and parsed strictly: the values move
 * as clients are served, refused, locked out and as a plug-in fails; only a scraper with the token,
 * from loopback or an allowed address, reads them; and no label carries what a client chose.
 */
class MetricsEndToEndTest {
  static final String TOKEN = "metrics-token-0123456789abcdef";

  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static int port;
  static int metricsPort;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(PluginJar.builtinPlugin("authhost-plugin-basic.jar"), plugins.resolve("basic.jar"));
    PluginJar.of("throwing", "org.authhost.testplugins.throwing.ThrowingPlugin")
        .with("id", "flaky")
        .writeTo(plugins, "flaky.jar");
    PluginJar.of("bound", "org.authhost.testplugins.bound.BoundPlugin")
        .with("id", "handshake")
        .with("api-version", "1.3")
        .writeTo(plugins, "handshake.jar");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "settings": {
              "handshake": { "properties": { "protocol": "X-Handshake", "connectionBound": "true" } }
            }
          },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "rtsp": { "port": 0 },
          "security": { "lockout": { "threshold": 3, "addressThreshold": 1000 } },
          "metrics": { "port": 0, "bindAddress": "0.0.0.0", "allow": ["198.51.100.0/24"],
            "bearerToken": "%s" },
          "publishingPoints": [
            { "name": "members", "prefix": "/members/", "directory": "../media", "plugins": ["basic"],
              "acl": [ { "principal": "Users", "rights": ["read"] } ] },
            { "name": "flaky", "prefix": "/flaky/", "directory": "../media", "plugins": ["flaky"] },
            { "name": "handshake", "prefix": "/handshake/", "directory": "../media",
              "plugins": ["handshake"] }
          ]
        }
        """
            .formatted(TOKEN));
    TestHosts.addAccount(config, "alice", "pw-alice");
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    port = host.http().plainPort();
    metricsPort = host.metricsPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static int get(String path, String authorization) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.get(path, authorization).status();
    }
  }

  static RawHttpConnection.Response scrapeResponse(String authorization) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", metricsPort)) {
      return c.get("/metrics", authorization);
    }
  }

  static PrometheusText scrape() throws Exception {
    RawHttpConnection.Response response = scrapeResponse("Bearer " + TOKEN);
    assertEquals(200, response.status(), response.bodyText());
    assertEquals(
        List.of("text/plain; version=0.0.4; charset=utf-8"), response.values("Content-Type"));
    return PrometheusText.parse(response.bodyText());
  }

  @Test
  void valuesMoveAsClientsAreServedAndRefused() throws Exception {
    PrometheusText before = scrape();

    assertEquals(401, get("/members/hello.txt", null));
    assertEquals(200, get("/members/hello.txt", basic("alice", "pw-alice")));
    assertEquals(401, get("/members/hello.txt", basic("mallory-the-guesser", "nope")));
    assertEquals(404, get("/nowhere/hello.txt", null));

    PrometheusText after = scrape();
    assertEquals(
        1, delta(before, after, "authhost_requests_total", "front", "http", "status", "200"));
    assertEquals(
        2, delta(before, after, "authhost_requests_total", "front", "http", "status", "401"));
    assertEquals(
        1, delta(before, after, "authhost_requests_total", "front", "http", "status", "404"));
    assertEquals(
        1, delta(before, after, "authhost_logons_total", "plugin", "basic", "result", "success"));
    assertEquals(
        1, delta(before, after, "authhost_logons_total", "plugin", "basic", "result", "denied"));
    assertTrue(
        delta(
                before,
                after,
                "authhost_plugin_call_seconds_count",
                "plugin",
                "basic",
                "method",
                "Authenticate")
            >= 2,
        "both credential checks were timed");
    assertTrue(
        after
                .find(
                    "authhost_plugin_call_seconds_bucket",
                    "plugin",
                    "basic",
                    "method",
                    "Authenticate")
                .size()
            > 10,
        "a histogram with its buckets");
    // The logon success and failure are in the audit: at least two records and their bytes.
    assertTrue(delta(before, after, "authhost_event_log_appends_total") >= 2);
    assertTrue(delta(before, after, "authhost_event_log_appended_bytes_total") >= 200);
    assertEquals(1, after.value("authhost_plugin_status", "plugin", "basic", "state", "enabled"));
    assertEquals(0, after.value("authhost_plugin_status", "plugin", "basic", "state", "error"));
    assertTrue(after.has("authhost_connections_open"));
    assertTrue(after.has("jvm_memory_used_bytes"), "the JVM's metrics are there too");
    assertEquals(0, after.value("authhost_handshakes_in_progress"));

    // No label value carries what the clients chose or where they are.
    for (PrometheusText.Sample sample : after.samples()) {
      for (String value : sample.labels().values()) {
        for (String client : List.of("alice", "mallory", "127.0.0.1", "hello.txt", "members")) {
          assertFalse(value.contains(client), sample + " carries " + client);
        }
      }
    }
  }

  @Test
  void aMisbehavingPluginsStatusGoesToErrorAndItsFailureIsCounted() throws Exception {
    PrometheusText before = scrape();
    assertEquals(1, before.value("authhost_plugin_status", "plugin", "flaky", "state", "enabled"));
    assertEquals(0, before.value("authhost_plugin_status", "plugin", "flaky", "state", "error"));

    assertEquals(503, get("/flaky/hello.txt", "Test x"));

    PrometheusText after = scrape();
    assertEquals(0, after.value("authhost_plugin_status", "plugin", "flaky", "state", "enabled"));
    assertEquals(1, after.value("authhost_plugin_status", "plugin", "flaky", "state", "error"));
    assertEquals(1, delta(before, after, "authhost_plugin_failures_total", "plugin", "flaky"));
    assertEquals(
        1, delta(before, after, "authhost_logons_total", "plugin", "flaky", "result", "error"));
    assertEquals(
        1, delta(before, after, "authhost_requests_total", "front", "http", "status", "503"));
  }

  @Test
  void aBoundHandshakeIsInProgressUntilItsLastLeg() throws Exception {
    PrometheusText before = scrape();
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response challenged = c.get("/handshake/hello.txt", "X-Handshake hello");
      assertEquals(401, challenged.status());
      PrometheusText waiting = scrape();
      assertEquals(1, waiting.value("authhost_handshakes_in_progress"), "waiting for leg two");
      assertEquals(1, host.liveFigures().now().handshakesInProgress(), "the Now pane agrees");

      assertEquals(200, c.get("/handshake/hello.txt", "X-Handshake proof").status());
    }
    PrometheusText after = scrape();
    assertEquals(0, after.value("authhost_handshakes_in_progress"));
    assertEquals(
        1,
        delta(before, after, "authhost_logons_total", "plugin", "handshake", "result", "continue"));
    assertEquals(
        1,
        delta(before, after, "authhost_logons_total", "plugin", "handshake", "result", "success"));
  }

  @Test
  void aLockoutIsCountedAndShownWhileInForce() throws Exception {
    PrometheusText before = scrape();
    for (int i = 0; i < 3; i++) {
      assertEquals(401, get("/members/hello.txt", basic("carol-locked", "wrong")));
    }
    assertEquals(429, get("/members/hello.txt", basic("carol-locked", "wrong")));

    PrometheusText after = scrape();
    assertEquals(1, delta(before, after, "authhost_lockouts_total", "kind", "account"));
    assertEquals(0, delta(before, after, "authhost_lockouts_total", "kind", "address"));
    assertEquals(1, after.value("authhost_lockouts_active", "kind", "account"));
    assertEquals(
        1, delta(before, after, "authhost_logons_total", "plugin", "basic", "result", "lockout"));
    assertEquals(
        1, delta(before, after, "authhost_requests_total", "front", "http", "status", "429"));
    for (PrometheusText.Sample sample : after.samples()) {
      assertFalse(
          sample.labels().values().stream().anyMatch(v -> v.contains("carol")), "" + sample);
    }
  }

  @Test
  void rtspAnswersAreCountedAsTheirFronts() throws Exception {
    PrometheusText before = scrape();
    try (Socket rtsp = new Socket("127.0.0.1", host.rtsp().plainPort())) {
      rtsp.setSoTimeout(20_000);
      assertEquals("RTSP/1.0 200 OK", rtspStatus(rtsp, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"));
      assertEquals(
          "RTSP/1.0 404 Not Found",
          rtspStatus(rtsp, "DESCRIBE rtsp://127.0.0.1/nowhere/stream RTSP/1.0\r\nCSeq: 2\r\n\r\n"));
    }
    PrometheusText after = scrape();
    assertEquals(
        1, delta(before, after, "authhost_requests_total", "front", "rtsp", "status", "200"));
    assertEquals(
        1, delta(before, after, "authhost_requests_total", "front", "rtsp", "status", "404"));
    assertEquals(
        0, delta(before, after, "authhost_requests_total", "front", "http", "status", "200"));
  }

  /** Sends one RTSP request and reads its answer's status line and headers (no body). */
  static String rtspStatus(Socket socket, String request) throws Exception {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new AssertionError("closed after " + head);
      }
      head.append((char) c);
    }
    String text = head.toString();
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    in.readNBytes(length);
    return text.substring(0, text.indexOf("\r\n"));
  }

  @Test
  void openMetricsWhenTheScraperAsksForIt() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", metricsPort)) {
      RawHttpConnection.Response response =
          c.send(
              "GET /metrics HTTP/1.1\nAuthorization: Bearer "
                  + TOKEN
                  + "\nAccept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
              null);
      assertEquals(200, response.status());
      assertTrue(
          response.values("Content-Type").get(0).startsWith("application/openmetrics-text"),
          response.values("Content-Type").toString());
      assertTrue(response.bodyText().endsWith("# EOF\n"));
      assertTrue(response.bodyText().contains("# TYPE authhost_requests counter\n"));
    }
  }

  @Test
  void onlyMetricsIsServedAndOnlyToGetAndHead() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", metricsPort)) {
      assertEquals(404, c.get("/other", "Bearer " + TOKEN).status());
      assertEquals(
          405,
          c.send("POST /metrics HTTP/1.1\nAuthorization: Bearer " + TOKEN, new byte[0]).status());
      assertEquals(200, c.get("/metrics?name[]=x", "Bearer " + TOKEN).status(), "kept alive");
    }
  }

  @Test
  void theTokenIsRequired() throws Exception {
    RawHttpConnection.Response none = scrapeResponse(null);
    assertEquals(401, none.status());
    assertEquals(List.of("Bearer realm=\"metrics\""), none.values("WWW-Authenticate"));
    assertFalse(none.bodyText().contains("authhost_"));
    assertEquals(401, scrapeResponse("Bearer " + TOKEN.substring(1)).status());
    assertEquals(401, scrapeResponse("Bearer " + TOKEN + "x").status());
    assertEquals(401, scrapeResponse(basic("alice", "pw-alice")).status());
    assertEquals(401, scrapeResponse("Bearer" + TOKEN).status());
    assertEquals(200, scrapeResponse("Bearer " + TOKEN).status());
    assertEquals(200, scrapeResponse("bearer " + TOKEN).status(), "the scheme in any case");
  }

  @Test
  void anAddressNotAllowedIsClosedAtOnceWithoutSendingAnything() throws Exception {
    InetAddress outside = nonLoopbackAddress().orElse(null);
    assumeTrue(outside != null, "this machine has no address but loopback");
    assertClosedUnread(outside, metricsPort);
  }

  /**
   * Connects from {@code from} and sends nothing: the listener must close the connection by itself,
   * without a byte (before the change it waited, unlimited, for a request to refuse).
   */
  static void assertClosedUnread(InetAddress from, int port) throws Exception {
    try (Socket s = new Socket(from, port, from, 0)) {
      s.setSoTimeout(30_000);
      int first;
      try {
        first = s.getInputStream().read();
      } catch (java.net.SocketException reset) {
        first = -1;
      }
      assertEquals(-1, first, "closed without an answer, nothing asked");
    }
  }

  @Test
  void silentConnectionsAreClosedAfterTheIdleTimeOnTheHostClock(@TempDir Path other)
      throws Exception {
    MutableClock ownClock = new MutableClock();
    AuthHost fourth = startWithMetrics(other, "{ \"port\": 0 }", ownClock);
    List<Socket> silent = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < MetricsListener.MAX_CONNECTIONS; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), fourth.metricsPort());
        s.setSoTimeout(30_000);
        silent.add(s);
      }
      // The scrapers' room is full: one more is closed. It is accepted after the others, on the
      // listener's one event loop, so each of them has its idle deadline scheduled by now.
      assertClosedUnread(InetAddress.getLoopbackAddress(), fourth.metricsPort());
      ownClock.advance(MetricsListener.IDLE.minusSeconds(1));
      // Still full a second before the idle time.
      assertClosedUnread(InetAddress.getLoopbackAddress(), fourth.metricsPort());
      ownClock.advance(Duration.ofSeconds(2));
      for (Socket s : silent) {
        assertEquals(-1, s.getInputStream().read(), "a silent connection is closed");
      }
      // The closes release the room; the limiter's count drops on the listener's event loop just
      // after the sockets close, so a scrape may still meet the last of them: a few attempts.
      int status = 0;
      for (int attempt = 0; attempt < 100 && status != 200; attempt++) {
        try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", fourth.metricsPort())) {
          status = c.get("/metrics", null).status();
        } catch (java.io.IOException closedWhileFull) {
          status = 0;
        }
      }
      assertEquals(200, status, "a scrape gets in once the silent connections are gone");
    } finally {
      for (Socket s : silent) {
        s.close();
      }
      fourth.stop();
    }
  }

  /**
   * A peer that sends a byte now and then, never a whole request, is closed at the idle time from
   * its connection, as a silent one (before, every byte put its deadline off, so a trickle held a
   * room for ever); a scraper's connection counts from its last complete request.
   */
  @Test
  void aTricklingPeerIsClosedAtTheIdleTimeFromItsLastCompleteRequest(@TempDir Path other)
      throws Exception {
    MutableClock ownClock = new MutableClock();
    AuthHost fifth = startWithMetrics(other, "{ \"port\": 0 }", ownClock);
    try (Socket trickler = new Socket(InetAddress.getLoopbackAddress(), fifth.metricsPort());
        RawHttpConnection scraper = new RawHttpConnection("127.0.0.1", fifth.metricsPort())) {
      trickler.setSoTimeout(20_000);
      // The scraper is accepted after the trickler on the listener's one event loop: once it is
      // answered, the trickler's deadline is running. Each later scrape likewise follows the
      // trickler's byte sent before it.
      assertEquals(200, scraper.get("/metrics", null).status());
      byte[] request = "GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
      Duration step = MetricsListener.IDLE.dividedBy(3);
      for (int i = 0; i < 2; i++) {
        ownClock.advance(step);
        trickler.getOutputStream().write(request[i]);
        trickler.getOutputStream().flush();
        assertEquals(200, scraper.get("/metrics", null).status());
      }
      ownClock.advance(step);
      int first;
      try {
        first = trickler.getInputStream().read();
      } catch (java.net.SocketException reset) {
        first = -1; // closed; a time-out is no SocketException and fails
      }
      assertEquals(-1, first, "closed: the trickle did not put the deadline off");
      assertEquals(
          200,
          scraper.get("/metrics", null).status(),
          "the scraper's last request was a third of the idle time ago: still open");
    } finally {
      fifth.stop();
    }
  }

  /**
   * A host of its own (the plug-ins and settings of {@link TestHosts#configFolder}) whose {@code
   * metrics} section is {@code metricsJson}, started on {@code clock}.
   */
  static AuthHost startWithMetrics(Path root, String metricsJson, MutableClock clock)
      throws Exception {
    Path config = TestHosts.configFolder(root, "");
    Path json = config.resolve("host.json");
    Files.writeString(
        json,
        Files.readString(json)
            .replace(
                "\"http\": { \"port\": 0 }",
                "\"http\": { \"port\": 0 }, \"metrics\": " + metricsJson));
    AuthHost host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    return host;
  }

  @Test
  void anAllowedAddressReadsTheMetrics(@TempDir Path other) throws Exception {
    InetAddress outside = nonLoopbackAddress().orElse(null);
    assumeTrue(outside != null, "this machine has no address but loopback");
    AuthHost second =
        startWithMetrics(
            other,
            "{ \"port\": 0, \"bindAddress\": \"0.0.0.0\", \"allow\": [\""
                + outside.getHostAddress()
                + "/32\"] }",
            new MutableClock());
    try (RawHttpConnection c =
        new RawHttpConnection(outside.getHostAddress(), second.metricsPort(), outside)) {
      RawHttpConnection.Response response = c.get("/metrics", null);
      assertEquals(200, response.status(), "no token configured, the address is allowed");
      PrometheusText metrics = PrometheusText.parse(response.bodyText());
      assertTrue(metrics.has("authhost_connections_open"));
      assertEquals(
          0, metrics.value("authhost_plugin_status", "plugin", "basic"), "not this host's");
    } finally {
      second.stop();
    }
    assertEquals(-1, second.metricsPort(), "the listener is stopped with the host");
  }

  @Test
  void overTlsTheTokenAndTheFiguresAreNotInClear(@TempDir Path other) throws Exception {
    Path keyStore = other.resolve("metrics.p12");
    org.authhost.host.http.content.TestTls.writeKeyStore(keyStore);
    AuthHost tlsHost =
        startWithMetrics(
            other,
            "{ \"bearerToken\": \""
                + TOKEN
                + "\", \"tls\": { \"keystore\": \""
                + keyStore
                + "\", \"password\": \"changeit\", \"port\": 0 } }",
            new MutableClock());
    try {
      assertEquals(-1, tlsHost.metricsPort(), "no plain listener: metrics.port is absent");
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
      try (Socket s =
          tls.getSocketFactory()
              .createSocket(InetAddress.getLoopbackAddress(), tlsHost.metricsTlsPort())) {
        s.setSoTimeout(30_000);
        s.getOutputStream()
            .write(
                ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                        + "Authorization: Bearer "
                        + TOKEN
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.contains("authhost_connections_open"), answer);
      }
    } finally {
      tlsHost.stop();
    }
    assertEquals(-1, tlsHost.metricsTlsPort(), "the listener is stopped with the host");
  }

  /** The test's own self-signed certificate: the check here is the listener, not the chain. */
  private static final class TrustAll implements javax.net.ssl.X509TrustManager {
    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }

  @Test
  void anEmptyAllowListServesLoopbackOnly(@TempDir Path other) throws Exception {
    InetAddress outside = nonLoopbackAddress().orElse(null);
    assumeTrue(outside != null, "this machine has no address but loopback");
    AuthHost third =
        startWithMetrics(
            other, "{ \"port\": 0, \"bindAddress\": \"0.0.0.0\" }", new MutableClock());
    try {
      assertClosedUnread(outside, third.metricsPort()); // no allow list: nobody but loopback
      try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", third.metricsPort())) {
        assertEquals(200, c.get("/metrics", null).status());
      }
    } finally {
      third.stop();
    }
  }

  /** An IPv4 address of this machine other than loopback, if it has one. */
  static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    return NetworkInterface.networkInterfaces()
        .filter(
            i -> {
              try {
                return i.isUp() && !i.isLoopback();
              } catch (java.net.SocketException e) {
                return false;
              }
            })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
        .findFirst();
  }

  static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }
}
