package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC 9112 rules an attacker trial found missing, below the socket on an embedded channel
 * through the front's own codec ({@link RequestCodec}) and request handlers: raw bytes in, the
 * bytes of the answer out. Each of these requests used to be served (200).
 */
class RequestValidationTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;

  @BeforeAll
  static void start() throws Exception {
    Path media = Files.createDirectories(root.resolve("media"));
    Files.writeString(media.resolve("hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"), plugins.resolve("anonymous.jar"));
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins" },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": -1 },
          "publishingPoints": [ { "name": "vod", "prefix": "/vod/", "directory": "../media" } ]
        }
        """);
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  private static FrontChannel connect() {
    HttpServices services = host.http().services();
    return FrontChannel.openRaw(
        services, clock, "192.0.2.9", FrontChannel.inline(services.driver(), () -> {}));
  }

  private static List<EventRecord> audited(String text) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(text))
        .toList();
  }

  /** Sends {@code head} in the given pieces and returns what was answered. */
  private static String exchange(FrontChannel ch, String... pieces) {
    for (String piece : pieces) {
      ch.sendRaw(piece);
    }
    return ch.rawAnswers();
  }

  private static void assertRefused(String answer, String statusLine, FrontChannel ch) {
    assertTrue(answer.startsWith(statusLine + "\r\n"), answer);
    assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
    assertFalse(ch.isOpen(), "the rest of the connection cannot be trusted");
    ch.finishAndReleaseAll();
  }

  @Test
  void aVersionOtherThanHttp1Is505() {
    FrontChannel ch = connect();
    String answer = exchange(ch, "GET /vod/hello.txt HTTP/9.9\r\nHost: t\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 505 HTTP Version Not Supported", ch);
    EventRecord r = audited("reason=version HTTP/9.9 is not supported").get(0);
    assertTrue(r.text().startsWith("refused 505: client=192.0.2.9"), r.text());
    assertEquals(EventLevel.INFORMATION, r.level());
  }

  @Test
  void twoHostHeadersAre400() {
    FrontChannel ch = connect();
    String answer =
        exchange(ch, "GET /vod/hello.txt HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(1, audited("GET /vod/hello.txt\" reason=more than one Host header").size());
  }

  @Test
  void contentLengthWithChunkedTransferEncodingIs400() {
    // Netty alone drops the Content-Length and reads the chunks: a front and a back end that
    // frame this differently are how a request is smuggled.
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "POST /vod/hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(
        1,
        audited("POST /vod/hello.txt\" reason=both Content-Length and Transfer-Encoding").size());
  }

  @Test
  void contentLengthWithTransferEncodingInAnHttp10RequestIs400() {
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "POST /vod/hello.txt?v=1.0 HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Length: 4\r\n\r\nabcd");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(1, audited("?v=1.0\" reason=both Content-Length and Transfer-Encoding").size());
  }

  @Test
  void contentLengthWithAnotherTransferEncodingIs400() {
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "POST /vod/hello.txt?te=gzip HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n"
                + "Content-Length: 4\r\n\r\nabcd");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(1, audited("?te=gzip\" reason=both Content-Length and Transfer-Encoding").size());
  }

  @Test
  void chunkedThatIsNotTheOnlyCodingIs400() {
    // "chunked, gzip": the final coding is not chunked, so the body has no length (RFC 9112
    // §6.3); Netty read it as chunked.
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "POST /vod/hello.txt?te=chunked-gzip HTTP/1.1\r\nHost: t\r\n"
                + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(
        1,
        audited("?te=chunked-gzip\" reason=Transfer-Encoding 'chunked, gzip': only a single")
            .size());
  }

  @Test
  void aTransferEncodingWithoutChunkedIsRefusedAndTheGetInsideItIsNotServed() {
    // Netty gives a request whose only coding is gzip no body, and reads the body as the next
    // request: the smuggled GET used to be served.
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "POST /vod/hello.txt?te=gzip-only HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n"
                + "\r\nGET /vod/hello.txt?smuggled HTTP/1.1\r\nHost: t\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertFalse(answer.contains("200 OK"), answer);
    assertEquals(1, audited("?te=gzip-only\" reason=Transfer-Encoding 'gzip'").size());
    assertEquals(List.of(), audited("?smuggled"));
  }

  @Test
  void twoTransferEncodingLinesAre400() {
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "POST /vod/hello.txt?te=two HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(1, audited("?te=two\" reason=Transfer-Encoding 'chunked, identity'").size());
  }

  @Test
  void chunkedInAnHttp10RequestIs400AndClosed() {
    // RFC 9112 §6.1: HTTP/1.0 has no chunked coding; the framing is faulty, the connection is
    // closed (it used to be served and kept open).
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "POST /vod/hello.txt?te=http10 HTTP/1.0\r\nHost: t\r\nConnection: keep-alive\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(1, audited("?te=http10\" reason=Transfer-Encoding in an HTTP/1.0 request").size());
  }

  @Test
  void aSingleChunkedCodingIsServed() {
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "POST /vod/hello.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "0\r\n\r\n");
    assertFalse(answer.startsWith("HTTP/1.1 400"), answer);
    assertTrue(ch.isOpen(), answer);
    ch.finishAndReleaseAll();
  }

  @Test
  void http12WithoutHostIs400LikeHttp11() {
    FrontChannel ch = connect();
    String answer = exchange(ch, "GET /vod/hello.txt?v=1.2 HTTP/1.2\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(1, audited("?v=1.2\" reason=HTTP/1.1 request without Host").size());
  }

  @Test
  void aHostWithTwoValuesIs400() {
    FrontChannel ch = connect();
    String answer = exchange(ch, "GET /vod/hello.txt?host=2 HTTP/1.1\r\nHost: a, b\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(1, audited("?host=2\" reason=a Host header with more than one value").size());
  }

  @Test
  void anObsFoldContinuationLineIs400() {
    FrontChannel ch = connect();
    String answer =
        exchange(ch, "GET /vod/hello.txt HTTP/1.1\r\nHost: t\r\nX-Folded: one\r\n two\r\n\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
    assertEquals(1, audited("reason=malformed request: obs-fold").size());
  }

  @Test
  void anObsFoldIsFoundWhenTheHeadArrivesInPieces() {
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "GET /vod/hel",
            "lo.txt HTTP/1.1\r\nHo",
            "st: t\r\nX-Folded: one\r\n",
            "\ttwo\r\n",
            "\r\n");
    assertRefused(answer, "HTTP/1.1 400 Bad Request", ch);
  }

  @Test
  void wellFormedRequestsInPiecesAndPipelinedAreServed() {
    FrontChannel ch = connect();
    String answer =
        exchange(
            ch,
            "\r\nGET /vod/hello.txt HTTP/1.1\r\nHo",
            "st: t\r\nUser-Agent: a b\r\n",
            "\r\nHEAD /vod/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /vod/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
    // GET, HEAD (no body: the codec remembers the method), GET.
    assertEquals(3, answer.split("HTTP/1.1 200 OK\r\n", -1).length - 1, answer);
    assertEquals(2, answer.split("\r\n\r\nhello\n", -1).length - 1, answer);
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }
}
