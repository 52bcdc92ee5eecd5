package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.AuthenticationDriver;
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
 * The refusals of each request handler before and after the driver (request limits, address lists,
 * routing, the path check), on an embedded channel: status, headers, audit record, and whether the
 * connection stays.
 */
class RequestHandlersTest {
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
          "http": { "port": -1, "maxHeaders": 10 },
          "security": { "ipDeny": ["198.51.100.0/24"], "trustedProxies": ["10.0.0.0/8"] },
          "publishingPoints": [
            { "name": "vod", "prefix": "/vod/", "directory": "../media" },
            { "name": "blocked", "prefix": "/blocked/", "directory": "../media",
              "ipDeny": ["203.0.113.0/24"] }
          ]
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

  private static FrontChannel connect(String client) {
    HttpServices services = host.http().services();
    return FrontChannel.open(
        services, clock, client, FrontChannel.inline(services.driver(), () -> {}));
  }

  private static EventRecord audited(String text) {
    List<EventRecord> found =
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .filter(e -> e.text().contains(text))
            .toList();
    assertEquals(1, found.size(), "audit records with " + text + ": " + found);
    return found.get(0);
  }

  private static HttpRequest get(String uri, HttpHeaders headers) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, headers);
  }

  private static HttpRequest undecodable(String uri, Exception cause) {
    HttpRequest r = get(uri, new DefaultHttpHeaders().set("Host", "t"));
    r.setDecoderResult(DecoderResult.failure(cause));
    return r;
  }

  /** A malformed request: the status, its reason phrase, audited, and the connection closed. */
  private static void assertMalformed(
      FrontChannel ch, int status, String reasonPhrase, String reason) {
    FrontChannel.Answer a = ch.answer();
    assertEquals(status, a.status());
    assertEquals(reasonPhrase + "\n", a.text());
    assertEquals("close", a.header("Connection"));
    assertEquals("no-store", a.header("Cache-Control"));
    assertFalse(ch.isOpen(), "closed after a malformed request");
    assertEquals(HResult.E_INVALIDARG, audited(reason).hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void aRequestTheDecoderCouldNotReadIs400() {
    FrontChannel ch = connect("127.0.0.1");
    ch.send(undecodable("/bad-1", new IllegalArgumentException("invalid version format: X")));
    assertMalformed(
        ch,
        400,
        "Bad Request",
        "refused 400: client=127.0.0.1 point=- request=\"GET /bad-1\""
            + " reason=malformed request: invalid version format (not quoted)");
  }

  @Test
  void tooLongHeadersAre431AndATooLongLineIs414() {
    FrontChannel headers = connect("127.0.0.1");
    headers.send(
        undecodable(
            "/long-1", new TooLongFrameException("HTTP header is larger than 16384 bytes.")));
    assertMalformed(
        headers,
        431,
        "Request Header Fields Too Large",
        "request=\"GET /long-1\" reason=malformed request: HTTP header is larger");

    FrontChannel line = connect("127.0.0.1");
    line.send(
        undecodable(
            "/long-2", new TooLongFrameException("An HTTP line is larger than 8192 bytes.")));
    assertMalformed(
        line,
        414,
        "Request-URI Too Long",
        "request=\"GET /long-2\" reason=malformed request: An HTTP line is larger");
  }

  @Test
  void moreHeaderFieldsThanTheLimitAre431() {
    FrontChannel ch = connect("127.0.0.1");
    HttpHeaders h = new DefaultHttpHeaders().set("Host", "t");
    for (int i = 0; i < 10; i++) {
      h.add("X-" + i, "v");
    }
    ch.send(get("/many", h));
    assertMalformed(
        ch,
        431,
        "Request Header Fields Too Large",
        "request=\"GET /many\" reason=11 header fields, more than the limit of 10");
  }

  @Test
  void anHttp11RequestWithoutHostAndTwoAuthorizationsAre400() {
    FrontChannel noHost = connect("127.0.0.1");
    noHost.send(get("/no-host", new DefaultHttpHeaders()));
    assertMalformed(
        noHost,
        400,
        "Bad Request",
        "request=\"GET /no-host\" reason=HTTP/1.1 request without Host");

    FrontChannel two = connect("127.0.0.1");
    two.send(
        get(
            "/two",
            new DefaultHttpHeaders()
                .set("Host", "t")
                .add("Authorization", "Basic a")
                .add("Authorization", "Basic b")));
    assertMalformed(
        two, 400, "Bad Request", "request=\"GET /two\" reason=more than one Authorization header");
  }

  @Test
  void theServersAddressListsRefuseBeforeRouting() {
    FrontChannel ch = connect("198.51.100.9");
    ch.get("/no/such/point");
    FrontChannel.Answer a = ch.answer();
    assertEquals(403, a.status());
    assertEquals("keep-alive", a.header("Connection"));
    assertEquals("no-store", a.header("Cache-Control"));
    assertTrue(ch.isOpen());
    assertEquals(
        HResult.E_ACCESSDENIED,
        audited(
                "refused 403: client=198.51.100.9 point=- request=\"GET /no/such/point\""
                    + " reason=client address 198.51.100.9 is not allowed by the server's"
                    + " address lists")
            .hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void aPointsAddressListsRefuseAfterRouting() {
    FrontChannel ch = connect("203.0.113.5");
    ch.get("/blocked/hello.txt");
    FrontChannel.Answer a = ch.answer();
    assertEquals(403, a.status());
    assertTrue(ch.isOpen());
    audited(
        "refused 403: client=203.0.113.5 point=blocked request=\"GET /blocked/hello.txt\""
            + " reason=client address 203.0.113.5 is not allowed by publishing point blocked");
    ch.get("/vod/hello.txt");
    assertEquals(200, ch.answer().status(), "the same client is served elsewhere");
    ch.finishAndReleaseAll();
  }

  @Test
  void routingRefusesANonCanonicalPathAndFindsNoPoint() {
    FrontChannel ch = connect("127.0.0.1");
    ch.get("/vod/a/%2e%2e/hello.txt");
    FrontChannel.Answer bad = ch.answer();
    assertEquals(400, bad.status());
    assertEquals("malformed request path\n", bad.text());
    assertTrue(ch.isOpen(), "a path the host will not read is not a broken request");
    assertEquals(
        HResult.E_INVALIDARG,
        audited("request=\"GET /vod/a/%2e%2e/hello.txt\" reason=request path is malformed")
            .hresult());

    ch.get("/elsewhere/x");
    FrontChannel.Answer none = ch.answer();
    assertEquals(404, none.status());
    assertEquals("no-store", none.header("Cache-Control"));

    ch.get("/vod");
    FrontChannel.Answer moved = ch.answer();
    assertEquals(301, moved.status());
    assertEquals("/vod/", moved.header("Location"));
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void aMissingFileIsA404ThatIsNotAudited() {
    FrontChannel ch = connect("127.0.0.1");
    ch.get("/vod/missing.txt");
    FrontChannel.Answer a = ch.answer();
    assertEquals(404, a.status());
    assertNull(a.header("Retry-After"));
    assertTrue(ch.isOpen());
    // Asking for what is not there is not a security event (it used to be a WARNING each time).
    assertEquals(
        List.of(),
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .filter(e -> e.text().startsWith("refused") && e.text().contains("/vod/missing.txt"))
            .toList());
    ch.finishAndReleaseAll();
  }

  @Test
  void aDriverThatFailsIsA503ThatClosesTheConnection() {
    FrontChannel ch =
        FrontChannel.open(
            host.http().services(),
            clock,
            "127.0.0.1",
            a -> CompletableFuture.failedFuture(new IllegalStateException("a bug in the host")));
    ch.get("/vod/failing.txt");
    FrontChannel.Answer a = ch.answer();
    assertEquals(503, a.status());
    assertEquals("30", a.header("Retry-After"));
    assertEquals("close", a.header("Connection"));
    assertEquals("no-store", a.header("Cache-Control"));
    assertFalse(ch.isOpen());
    assertEquals(
        HResult.E_UNEXPECTED,
        audited(
                "request=\"GET /vod/failing.txt\" reason=internal error:"
                    + " java.lang.IllegalStateException: a bug in the host")
            .hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void aDriverThatThrowsBeforeItsFutureIsA503Too() {
    FrontChannel ch =
        FrontChannel.open(
            host.http().services(),
            clock,
            "127.0.0.1",
            a -> {
              throw new IllegalStateException("a bug before the future");
            });
    ch.get("/vod/throwing.txt");
    FrontChannel.Answer a = ch.answer();
    assertEquals(503, a.status());
    assertEquals("close", a.header("Connection"));
    assertFalse(ch.isOpen());
    assertEquals(
        HResult.E_UNEXPECTED,
        audited(
                "request=\"GET /vod/throwing.txt\" reason=internal error:"
                    + " java.lang.IllegalStateException: a bug before the future")
            .hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void pipelinedRequestsAreAnsweredInTurnAndNothingAfterAMalformedOne() {
    FrontChannel ch = connect("127.0.0.1");
    HttpHeaders h = new DefaultHttpHeaders().set("Host", "t");
    ch.writeInbound(
        get("/vod/hello.txt", h),
        LastHttpContent.EMPTY_LAST_CONTENT,
        get("/elsewhere", h),
        LastHttpContent.EMPTY_LAST_CONTENT,
        get("/no-host-here", new DefaultHttpHeaders()),
        LastHttpContent.EMPTY_LAST_CONTENT,
        get("/vod/hello.txt", h),
        LastHttpContent.EMPTY_LAST_CONTENT);
    ch.runPendingTasks();
    assertEquals(200, ch.answer().status());
    assertEquals(404, ch.answer().status());
    assertEquals(400, ch.answer().status());
    assertNull(ch.readOutbound(), "no answer after a request that ended the connection");
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void readingStopsOnlyWhileSomethingReadWaitsForTheRequestInProgress() {
    HttpServices services = host.http().services();
    var inline = FrontChannel.inline(services.driver(), () -> {});
    CompletableFuture<Void> release = CompletableFuture.completedFuture(null);
    List<CompletableFuture<Void>> holds = new ArrayList<>(List.of(release));
    FrontChannel ch =
        FrontChannel.open(
            services,
            clock,
            "127.0.0.1",
            a -> holds.get(holds.size() - 1).thenCompose(x -> inline.apply(a)));
    // Whether reading was on as each message came off the wire.
    List<Boolean> readingOn = new ArrayList<>();
    ch.pipeline()
        .addFirst(
            "reading-on",
            new io.netty.channel.ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                readingOn.add(ctx.channel().config().isAutoRead());
                ctx.fireChannelRead(msg);
              }
            });

    // Decided at once: the request and its end pass with reading on throughout (on the native
    // transport each stop and resume of reading is a system call).
    ch.get("/vod/hello.txt");
    assertEquals(200, ch.answer().status());
    assertEquals(List.of(true, true), readingOn);
    assertTrue(ch.config().isAutoRead());

    // Undecided while its body arrives: the body waits, and reading stops until it is decided.
    CompletableFuture<Void> hold = new CompletableFuture<>();
    holds.add(hold);
    HttpHeaders h = new DefaultHttpHeaders().set("Host", "t").set("Content-Length", "4");
    ch.writeInbound(get("/vod/hello.txt", h));
    ch.runPendingTasks();
    assertTrue(ch.config().isAutoRead(), "nothing waits yet");
    ch.writeInbound(
        new io.netty.handler.codec.http.DefaultHttpContent(
            io.netty.buffer.Unpooled.copiedBuffer(new byte[] {1, 2})));
    ch.runPendingTasks();
    assertFalse(ch.config().isAutoRead(), "a part of the body waits for the decision");
    assertNull(ch.readOutbound());
    hold.complete(null);
    ch.runPendingTasks();
    assertEquals(200, ch.answer().status());
    assertTrue(ch.config().isAutoRead(), "the body is read (and dropped) once decided");
    ch.writeInbound(
        new io.netty.handler.codec.http.DefaultLastHttpContent(
            io.netty.buffer.Unpooled.copiedBuffer(new byte[] {3, 4})));
    ch.runPendingTasks();
    ch.get("/vod/hello.txt");
    assertEquals(200, ch.answer().status());
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  /**
   * A request without a body whose decision is asynchronous (Digest on Redis): its empty end holds
   * nothing, so reading goes on; a pipelined request behind it stops reading. The old code stopped
   * and resumed reading for every such request: two epoll_ctl calls each.
   */
  @Test
  void aBodilessRequestWaitingForItsDecisionDoesNotStopReadingButAPipelinedOneDoes() {
    HttpServices services = host.http().services();
    var inline = FrontChannel.inline(services.driver(), () -> {});
    List<CompletableFuture<Void>> holds = new ArrayList<>();
    holds.add(new CompletableFuture<>());
    FrontChannel ch =
        FrontChannel.open(
            services,
            clock,
            "127.0.0.1",
            a -> holds.get(holds.size() - 1).thenCompose(x -> inline.apply(a)));
    HttpHeaders h = new DefaultHttpHeaders().set("Host", "t");
    ch.writeInbound(get("/vod/hello.txt", h), LastHttpContent.EMPTY_LAST_CONTENT);
    ch.runPendingTasks();
    assertNull(ch.readOutbound(), "undecided");
    assertTrue(ch.config().isAutoRead(), "only the request's empty end waits: reading goes on");

    ch.writeInbound(get("/vod/hello.txt", h), LastHttpContent.EMPTY_LAST_CONTENT);
    ch.runPendingTasks();
    assertFalse(ch.config().isAutoRead(), "a pipelined request waits: reading stops");

    holds.get(0).complete(null);
    ch.runPendingTasks();
    assertEquals(200, ch.answer().status());
    assertEquals(200, ch.answer().status());
    assertTrue(ch.config().isAutoRead(), "both answered: reading again");
    ch.finishAndReleaseAll();
  }

  @Test
  void aTrustedProxysRequestsEachNameTheirOwnClientAndOthersCannot() {
    HttpServices services = host.http().services();
    var inline = FrontChannel.inline(services.driver(), () -> {});
    List<AuthenticationDriver.Attempt> seen = new ArrayList<>();
    FrontChannel proxy =
        FrontChannel.open(
            services,
            clock,
            "10.1.2.3",
            a -> {
              seen.add(a);
              return inline.apply(a);
            });
    // One proxy connection, many clients: each request is its own forwarded client.
    proxy.get("/vod/hello.txt", "X-Forwarded-For", "192.0.2.7");
    assertEquals(200, proxy.answer().status());
    proxy.get("/vod/hello.txt", "X-Forwarded-For", "192.0.2.8");
    assertEquals(200, proxy.answer().status());
    assertEquals(2, seen.size());
    for (int i = 0; i < 2; i++) {
      String expected = "192.0.2." + (7 + i);
      AuthenticationDriver.Attempt a = seen.get(i);
      assertEquals(expected, a.client().address());
      assertTrue(a.client().forwarded());
      assertEquals(expected, a.request().clientAddress());
      assertEquals(expected, a.user().ipAddress());
    }
    // The address lists see the forwarded client too.
    proxy.get("/blocked/hello.txt", "X-Forwarded-For", "203.0.113.77");
    assertEquals(403, proxy.answer().status());
    assertEquals(
        HResult.E_ACCESSDENIED,
        audited("client address 203.0.113.77 is not allowed by publishing point blocked")
            .hresult());
    assertTrue(proxy.isOpen());
    proxy.finishAndReleaseAll();

    // A peer that is not a trusted proxy names no one but itself.
    seen.clear();
    FrontChannel direct =
        FrontChannel.open(
            services,
            clock,
            "192.0.2.50",
            a -> {
              seen.add(a);
              return inline.apply(a);
            });
    direct.get("/vod/hello.txt", "X-Forwarded-For", "192.0.2.9");
    assertEquals(200, direct.answer().status());
    assertEquals("192.0.2.50", seen.get(0).client().address());
    assertFalse(seen.get(0).client().forwarded());
    direct.finishAndReleaseAll();
  }
}
