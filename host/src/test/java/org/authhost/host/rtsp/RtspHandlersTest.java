package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.access.Right;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Verdict;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RTSP front's handlers below the socket, with a real host's points, audit and driver: every
 * verdict rendered in RTSP with the request's CSeq, the session binding, the TCP-only SETUP, and
 * bad input answered with a clear RTSP error (or a closed connection), audited where it concerns
 * the client.
 */
class RtspHandlersTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;

  @BeforeAll
  static void start() throws Exception {
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-digest.jar"), plugins.resolve("digest.jar"));
    Files.copy(PluginJar.builtinPlugin("authhost-plugin-basic.jar"), plugins.resolve("basic.jar"));
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins",
            "settings": { "digest": { "enabled": true, "properties": {
              "realm": "AuthHost", "algorithms": "MD5" } },
                          "basic": { "enabled": true } } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": -1 },
          "accounts": { "digestRealms": ["AuthHost"] },
          "publishingPoints": [
            { "name": "cam", "prefix": "/cam/", "origin": "rtsp://127.0.0.1:1/",
              "plugins": ["digest"] },
            { "name": "web", "prefix": "/web/", "origin": "http://127.0.0.1:1/" },
            { "name": "both", "prefix": "/both/", "origin": "rtsp://127.0.0.1:1/",
              "plugins": ["digest", "basic"] },
            { "name": "closed", "prefix": "/closed/", "origin": "rtsp://127.0.0.1:1/",
              "ipDeny": ["203.0.113.0/24"] }
          ]
        }
        """);
    TestHosts.addAccount(config, "alice", "pw-alice");
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  static Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> verdict(Verdict v) {
    return a -> CompletableFuture.completedFuture(v);
  }

  static Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> serveAs(
      String account) {
    return a -> CompletableFuture.completedFuture(new Verdict.Serve(a.point(), account, List.of()));
  }

  /** A verdict as a test's own decision gives it: no logon stands behind it. */
  static Verdict.Serve served(String account) {
    return new Verdict.Serve(null, account, List.of());
  }

  static RtspTestChannel connect(
      String client, Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide) {
    return RtspTestChannel.open(host.rtsp(), client, decide);
  }

  static String request(String method, String url, int cseq, String... headers) {
    StringBuilder b = new StringBuilder(method + " " + url + " RTSP/1.0\r\nCSeq: " + cseq + "\r\n");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  static List<EventRecord> audited(String text) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(text))
        .toList();
  }

  static final String CAM = "rtsp://127.0.0.1:8554/cam/test";

  @Test
  void everyVerdictIsAnRtspAnswerWithTheRequestsCSeq() {
    record Row(Refusal refusal, String status, String header) {}
    List<Row> table =
        List.of(
            new Row(
                Refusal.logOn(List.of("Digest realm=\"r\", nonce=\"n\""), "log on"),
                "RTSP/1.0 401 Unauthorized",
                "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\""),
            new Row(Refusal.forbidden(), "RTSP/1.0 403 Forbidden", null),
            new Row(
                Refusal.unavailable("down"), "RTSP/1.0 503 Service Unavailable", "Retry-After: 30"),
            new Row(
                Refusal.tooMany("later", 42, "locked"),
                "RTSP/1.0 429 Too Many Requests",
                "Retry-After: 42"),
            new Row(
                Refusal.busy("busy", 1, "bulkhead"),
                "RTSP/1.0 503 Service Unavailable",
                "Retry-After: 1"));
    int cseq = 100;
    for (Row row : table) {
      RtspTestChannel ch = connect("127.0.0.1", verdict(row.refusal()));
      ch.send(request("DESCRIBE", CAM, ++cseq));
      String answer = ch.answers();
      assertTrue(answer.startsWith(row.status() + "\r\n"), answer);
      assertTrue(
          answer.contains("\r\ncseq: " + cseq + "\r\n")
              || answer.contains("\r\nCSeq: " + cseq + "\r\n"),
          answer);
      if (row.header() != null) {
        assertTrue(answer.toLowerCase().contains(row.header().toLowerCase()), answer);
      }
      assertTrue(ch.isActive(), "a verdict does not end the connection: " + row);
      assertTrue(ch.relayed.isEmpty(), "nothing refused reaches the origin");
    }
  }

  @Test
  void theRealDriverChallengesWithDigestAndItsUserContextSaysRtsp() {
    List<AuthenticationDriver.Attempt> seen = new java.util.ArrayList<>();
    var inline = RtspTestChannel.inline(host.rtsp().driver());
    RtspTestChannel ch =
        connect(
            "127.0.0.1",
            a -> {
              seen.add(a);
              return inline.apply(a);
            });
    ch.send(request("DESCRIBE", CAM, 7, "Session", "abc"));
    String answer = ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 401 Unauthorized\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 7\r\n"), answer);
    assertTrue(answer.contains("Digest realm=\"AuthHost\""), answer);
    AuthenticationDriver.Attempt a = seen.get(0);
    assertEquals("RTSP", a.user().controlProtocol());
    assertEquals(ch.connection.authn.id, a.user().connectionId());
    assertEquals("DESCRIBE", a.command().method());
    assertEquals(CAM, a.command().requestTarget());
    assertEquals(List.of("7"), a.command().headers().get("cseq"));
    assertEquals(List.of("abc"), a.command().headers().get("session"));
    assertEquals(CAM, a.presentation().url());
    assertEquals(Right.READ, a.right());
  }

  @Test
  void announceAndRecordNeedTheWriteRight() {
    List<Right> rights = new java.util.ArrayList<>();
    RtspTestChannel ch =
        connect(
            "127.0.0.1",
            a -> {
              rights.add(a.right());
              return serveAs("alice").apply(a);
            });
    ch.send(request("ANNOUNCE", CAM, 1));
    ch.send(request("OPTIONS", CAM, 2));
    ch.send(request("RECORD", CAM, 3));
    ch.send(request("GET_PARAMETER", CAM, 4));
    assertEquals(List.of(Right.WRITE, Right.READ, Right.WRITE, Right.READ), rights);
    assertEquals(4, ch.relayed.size());
  }

  @Test
  void aSessionIsBoundToItsConnectionAndIdentity() {
    RtspTestChannel bob = connect("127.0.0.1", serveAs("bob"));
    bob.connection.bind("S1", served("alice"), Right.READ);
    bob.send(request("PLAY", CAM, 5, "Session", "S1", "Authorization", "Digest x"));
    String answer = bob.answers();
    assertTrue(answer.startsWith("RTSP/1.0 403 Forbidden\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 5\r\n"), answer);
    assertFalse(audited("RTSP session \"S1\" belongs to \"alice\", not to \"bob\"").isEmpty());

    bob.send(request("PLAY", CAM, 6, "Session", "S2; timeout=60", "Authorization", "Digest x"));
    answer = bob.answers();
    assertTrue(answer.startsWith("RTSP/1.0 454 Session Not Found\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 6\r\n"), answer);
    assertFalse(audited("RTSP session \"S2\" was not set up on this connection").isEmpty());
    assertTrue(bob.relayed.isEmpty());

    RtspTestChannel alice = connect("127.0.0.1", serveAs("alice"));
    alice.connection.bind("S1", served("alice"), Right.READ);
    alice.send(request("PLAY", CAM, 7, "Session", "S1"));
    assertEquals("", alice.answers());
    assertEquals(1, alice.relayed.size());
  }

  @Test
  void aUdpSetupIs461AndTcpGoesOnWithItsTcpChoicesOnly() {
    RtspTestChannel ch = connect("127.0.0.1", serveAs("alice"));
    ch.send(
        request(
            "SETUP", CAM + "/stream=0", 3, "Transport", "RTP/AVP;unicast;client_port=5000-5001"));
    String answer = ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 461 Unsupported transport\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 3\r\n"), answer);
    assertTrue(ch.isActive());
    ch.send(
        request(
            "SETUP",
            CAM + "/stream=0",
            4,
            "Transport",
            "RTP/AVP;unicast;client_port=5000-5001,RTP/AVP/TCP;unicast;interleaved=0-1"));
    assertEquals("", ch.answers());
    RtspExchange setup = (RtspExchange) ch.relayed.get(0);
    assertEquals("4", setup.cseq);
    assertEquals("test/stream=0", setup.rest());
  }

  @Test
  void interleavedDataBeforeSetupEndsTheConnectionAndAfterItGoesToTheOrigin() {
    RtspTestChannel early = connect("198.51.100.9", serveAs("alice"));
    early.send(new byte[] {'$', 0, 0, 2, 1, 2});
    String answer = early.answers();
    assertTrue(answer.startsWith("RTSP/1.0 400 Bad Request\r\n"), answer);
    assertFalse(early.isActive());
    assertFalse(
        audited("client=198.51.100.9").stream()
            .filter(e -> e.text().contains("interleaved frame before any SETUP"))
            .toList()
            .isEmpty());

    RtspTestChannel later = connect("127.0.0.1", serveAs("alice"));
    later.send(request("SETUP", CAM + "/stream=0", 1, "Transport", "RTP/AVP/TCP;interleaved=0-1"));
    later.connection.bind(
        "S1", served("alice"), Right.READ); // as the relay does on the origin's 200
    later.send(new byte[] {'$', 1, 0, 2, 1, 2});
    assertEquals(2, later.relayed.size());
    assertEquals("InterleavedFrame", later.relayed.get(1));
  }

  /**
   * Headers that would change the framing or the pairing of answers are refused in RTSP, with the
   * CSeq: a Transfer-Encoding (400, the connection ends), two Session headers (400), an Expect
   * (417; not Netty's HTTP/1.1 100 Continue or 417).
   */
  @Test
  void framingAndSessionHeadersThatCannotBeRelayedAreRefusedInRtsp() {
    RtspTestChannel chunked = connect("127.0.0.1", serveAs("alice"));
    chunked.send(request("DESCRIBE", CAM, 11, "Transfer-Encoding", "chunked, foo"));
    String answer = chunked.answers();
    assertTrue(answer.startsWith("RTSP/1.0 400 Bad Request\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 11\r\n"), answer);
    assertFalse(chunked.isActive());
    assertTrue(chunked.relayed.isEmpty());

    // "chunked" alone too: Netty's aggregator drops that coding, and the check must still see it.
    RtspTestChannel chunkedOnly = connect("127.0.0.1", serveAs("alice"));
    chunkedOnly.send(request("DESCRIBE", CAM, 14, "Transfer-Encoding", "chunked"));
    answer = chunkedOnly.answers();
    assertTrue(answer.startsWith("RTSP/1.0 400 Bad Request\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 14\r\n"), answer);
    assertFalse(chunkedOnly.isActive());
    assertTrue(chunkedOnly.relayed.isEmpty());

    // Without a CSeq too: that refusal alone keeps the connection, a Transfer-Encoding ends it.
    RtspTestChannel noCseq = connect("127.0.0.1", serveAs("alice"));
    noCseq.send(
        "DESCRIBE "
            + CAM
            + " RTSP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    answer = noCseq.answers();
    assertTrue(answer.startsWith("RTSP/1.0 400 Bad Request\r\n"), answer);
    assertFalse(noCseq.isActive());
    assertTrue(noCseq.relayed.isEmpty());

    RtspTestChannel twice = connect("127.0.0.1", serveAs("alice"));
    twice.send(request("PLAY", CAM, 12, "Session", "S1", "Session", "S2"));
    answer = twice.answers();
    assertTrue(answer.startsWith("RTSP/1.0 400 Bad Request\r\n"), answer);
    assertTrue(twice.relayed.isEmpty());

    for (String expect : List.of("100-continue", "foo")) {
      RtspTestChannel expecting = connect("127.0.0.1", serveAs("alice"));
      expecting.send(request("ANNOUNCE", CAM, 13, "Expect", expect, "Content-Length", "0"));
      answer = expecting.answers();
      assertTrue(answer.startsWith("RTSP/1.0 417 Expectation Failed\r\n"), answer);
      assertTrue(answer.toLowerCase().contains("cseq: 13\r\n"), answer);
      assertTrue(expecting.relayed.isEmpty());
    }
  }

  /**
   * A SETUP that was refused sets nothing up: interleaved data after it still ends the connection.
   */
  @Test
  void interleavedDataAfterARefusedSetupEndsTheConnection() {
    RtspTestChannel ch = connect("198.51.100.19", verdict(Refusal.forbidden()));
    ch.send(request("SETUP", CAM + "/stream=0", 1, "Transport", "RTP/AVP/TCP;interleaved=0-1"));
    assertTrue(ch.answers().startsWith("RTSP/1.0 403 Forbidden\r\n"));
    ch.send(new byte[] {'$', 0, 0, 2, 1, 2});
    String answer = ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 400 Bad Request\r\n"), answer);
    assertFalse(ch.isActive());
    assertTrue(ch.relayed.isEmpty(), String.valueOf(ch.relayed));
  }

  @Test
  void garbageIsA400AndTheConnectionEnds() {
    RtspTestChannel ch = connect("198.51.100.10", serveAs("alice"));
    ch.send("\u0001\u0002garbage garbage\r\n\r\n");
    String answer = ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 400 Bad Request\r\n"), answer);
    assertFalse(ch.isActive());
    assertFalse(audited("client=198.51.100.10").isEmpty());
  }

  @Test
  void anUnknownMethodIs501WithItsCSeqAndTheConnectionStays() {
    RtspTestChannel ch = connect("127.0.0.1", serveAs("alice"));
    ch.send(request("BREW", CAM, 9));
    String answer = ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 501 Not Implemented\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 9\r\n"), answer);
    assertTrue(ch.isActive());
    ch.send(request("OPTIONS", CAM, 10));
    assertEquals(1, ch.relayed.size());
  }

  @Test
  void oversizedHeadersAre431ALongRequestLine414AndABodyPastTheLimit413() {
    RtspTestChannel ch = connect("127.0.0.1", serveAs("alice"));
    ch.send(request("DESCRIBE", CAM, 1, "X-Filler", "x".repeat(4000)));
    String answer = ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 431 "), answer);
    assertFalse(ch.isActive());

    // Within the framer's bound (line and headers together) but past the header limit alone:
    // Netty's decoder finds it, and it is 431 too, not a plain 400.
    RtspTestChannel headers = connect("127.0.0.1", serveAs("alice"));
    headers.send(
        request(
            "DESCRIBE",
            CAM,
            3,
            "X-Filler",
            "x".repeat(RtspTestChannel.LIMITS.maxHeaderBytes() + 100)));
    answer = headers.answers();
    assertTrue(answer.startsWith("RTSP/1.0 431 "), answer);
    assertTrue(headers.relayed.isEmpty());
    assertFalse(headers.isActive());

    RtspTestChannel line = connect("127.0.0.1", serveAs("alice"));
    line.send(
        request(
            "DESCRIBE", CAM + "/" + "x".repeat(RtspTestChannel.LIMITS.maxInitialLineBytes()), 4));
    answer = line.answers();
    assertTrue(answer.startsWith("RTSP/1.0 414 "), answer);
    assertTrue(line.relayed.isEmpty());
    assertFalse(line.isActive());

    RtspTestChannel body = connect("127.0.0.1", serveAs("alice"));
    body.send(request("ANNOUNCE", CAM, 2, "Content-Length", "100000"));
    answer = body.answers();
    assertTrue(answer.startsWith("RTSP/1.0 413 "), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 2\r\n"), answer);
    assertFalse(body.isActive());
  }

  @Test
  void aFloodOfSetupsIsCut() {
    RtspTestChannel ch = connect("127.0.0.1", serveAs("alice"));
    for (int i = 1; i <= RtspSetupCheck.MAX_SETUPS; i++) {
      ch.send(request("SETUP", CAM + "/stream=0", i, "Transport", "RTP/AVP/TCP;interleaved=0-1"));
    }
    assertEquals("", ch.answers());
    ch.send(request("SETUP", CAM + "/stream=0", 99, "Transport", "RTP/AVP/TCP;interleaved=0-1"));
    String answer = ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 503 "), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 99\r\n"), answer);
    assertFalse(ch.isActive());
  }

  @Test
  void routingAnswers404ForHttpPointsAnd403ForAListedAddress() {
    RtspTestChannel ch = connect("127.0.0.1", serveAs("alice"));
    ch.send(request("DESCRIBE", "rtsp://127.0.0.1:8554/web/x", 1));
    assertTrue(ch.answers().startsWith("RTSP/1.0 404 Not Found\r\n"));
    ch.send(request("OPTIONS", "*", 2));
    String options = ch.answers();
    assertTrue(options.startsWith("RTSP/1.0 200 OK\r\n"), options);
    assertTrue(options.toLowerCase().contains("public: "), options);
    ch.send(request("DESCRIBE", "/cam/../web/x", 3));
    assertTrue(ch.answers().startsWith("RTSP/1.0 400 "));
    RtspTestChannel denied = connect("203.0.113.5", serveAs("alice"));
    denied.send(request("DESCRIBE", "rtsp://127.0.0.1:8554/closed/x", 4));
    String answer = denied.answers();
    assertTrue(answer.startsWith("RTSP/1.0 403 Forbidden\r\n"), answer);
    assertEquals(
        HResult.E_ACCESSDENIED,
        audited("client address 203.0.113.5 is not allowed by publishing point closed")
            .get(0)
            .hresult());
  }

  @Test
  void aResponseWhereARequestBelongsEndsTheConnection() {
    RtspTestChannel ch = connect("127.0.0.1", serveAs("alice"));
    ch.send("RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n");
    assertTrue(ch.answers().startsWith("RTSP/1.0 400 "));
    assertFalse(ch.isActive());
  }

  @Test
  void basicIsOfferedOnlyOnLoopbackOrTls() {
    var inline = RtspTestChannel.inline(host.rtsp().driver());
    RtspTestChannel remote = connect("192.0.2.7", inline);
    remote.send(request("DESCRIBE", "rtsp://127.0.0.1:8554/both/x", 1));
    String answer = remote.answers();
    assertTrue(answer.startsWith("RTSP/1.0 401 "), answer);
    assertTrue(answer.contains("Digest realm="), answer);
    assertFalse(answer.contains("Basic"), "Basic in clear to a remote client: " + answer);
    RtspTestChannel local = connect("127.0.0.1", inline);
    local.send(request("DESCRIBE", "rtsp://127.0.0.1:8554/both/x", 2));
    assertTrue(local.answers().contains("Basic"), "loopback is offered Basic");
  }
}
