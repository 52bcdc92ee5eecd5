package org.authhost.host.http.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** OriginProxy behind a real Netty front, towards a real origin, exercised with curl. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginProxyTest {
  /**
   * The proxy's time limit, on {@link #clock}: no transfer here is cut off unless the test moves
   * it.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @TempDir static Path dir;
  final MutableClock clock = new MutableClock();
  Path work;
  TestOrigin origin;
  TestFront front;

  @BeforeAll
  void start() throws Exception {
    work = Files.createDirectories(dir.resolve("curl"));
    origin = new TestOrigin(null);
    front =
        new TestFront(
            dir, origin.uri(), null, g -> new OriginProxy(g, TIMEOUT, null, clock, clock));
  }

  @AfterAll
  void stop() throws Exception {
    front.close();
    origin.close();
  }

  Curl.Result curl(String... args) throws IOException, InterruptedException {
    return Curl.run(work, args);
  }

  private static String header(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null ? null : String.join(",", values);
  }

  @Test
  void streams20MegabytesWithALength() throws Exception {
    front.largestWrite.set(0);
    Curl.Result r = curl(front.url("/proxy/big"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertEquals(String.valueOf(TestOrigin.BIG), r.header("Content-Length"));
    assertEquals("video/mp4", r.header("Content-Type"));
    assertEquals(origin.bodySha256, r.sha256());
    // No aggregation anywhere: the biggest buffer written to the client is a decoder chunk.
    assertTrue(front.largestWrite.get() <= 64 * 1024, "largest write " + front.largestWrite.get());
  }

  @Test
  void streams20MegabytesChunked() throws Exception {
    Curl.Result r = curl(front.url("/proxy/big-chunked"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertEquals("chunked", r.header("Transfer-Encoding"));
    assertNull(r.header("Content-Length"));
    assertEquals(origin.bodySha256, r.sha256());
  }

  @Test
  void http10ClientsGetACloseDelimitedBodyForAChunkedOrigin() throws Exception {
    Curl.Result r =
        curl("--http1.0", "-H", "Connection: keep-alive", front.url("/proxy/big-chunked"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertNull(r.header("Transfer-Encoding"));
    assertNotEquals("keep-alive", r.header("Connection")); // HTTP/1.0 default: close
    assertEquals(origin.bodySha256, r.sha256());
    Curl.Result withLength =
        curl("--http1.0", "-H", "Connection: keep-alive", front.url("/proxy/big"));
    assertEquals("keep-alive", withLength.header("Connection"));
    assertEquals(origin.bodySha256, withLength.sha256());
  }

  @Test
  void aSlowClientHoldsTheOriginBack() throws Exception {
    front.mostPending.set(0);
    Curl.Result r = curl("--limit-rate", "4M", front.url("/proxy/big"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(origin.bodySha256, r.sha256());
    // Without backpressure the whole body would pile up in the client channel's outbound buffer.
    // (How long curl took is not asserted: that is curl's rate limiter, not the front.)
    System.out.println("slow client: most pending " + front.mostPending.get() + " bytes");
    assertTrue(front.mostPending.get() < 1024 * 1024, "pending " + front.mostPending.get());
  }

  @Test
  void uploads10MegabytesIntact() throws Exception {
    byte[] data = new byte[10 * 1024 * 1024];
    new Random(10).nextBytes(data);
    Path file = Files.write(dir.resolve("upload.bin"), data);
    Curl.Result r =
        curl(
            "--data-binary",
            "@" + file,
            "-H",
            "Content-Type: application/octet-stream",
            front.url("/proxy/upload"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertEquals(Curl.sha256(data) + " " + data.length, r.text());
    assertTrue(origin.uploadReads.get() > 1, "arrived in " + origin.uploadReads.get() + " reads");

    Curl.Result chunked =
        curl(
            "--data-binary",
            "@" + file,
            "-H",
            "Transfer-Encoding: chunked",
            "-H",
            "Expect:",
            front.url("/proxy/upload"));
    assertEquals(0, chunked.exit(), chunked.toString());
    assertEquals(Curl.sha256(data) + " " + data.length, chunked.text());
    assertEquals("chunked", header(origin.lastHeaders.get(), "transfer-encoding"));
  }

  @Test
  void expectContinueIsAnsweredOnceTheOriginIsUp() throws Exception {
    byte[] data = new byte[2 * 1024 * 1024];
    Path file = Files.write(dir.resolve("expect.bin"), data);
    // curl waits a second for 100 Continue unless told otherwise; the proxy must answer at once.
    Curl.Result r =
        curl(
            "-v",
            "--expect100-timeout",
            "20",
            "--data-binary",
            "@" + file,
            "-H",
            "Expect: 100-continue",
            front.url("/proxy/upload"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(Curl.sha256(data) + " " + data.length, r.text());
    assertTrue(
        r.stderr().contains("< HTTP/1.1 100 Continue"), "curl got 100 Continue: " + r.stderr());
    assertFalse(
        r.stderr().contains("Done waiting for 100-continue"),
        "curl gave up waiting: " + r.stderr());
    assertNull(header(origin.lastHeaders.get(), "expect"));
  }

  @Test
  void headersToTheOrigin() throws Exception {
    Curl.Result r =
        curl(
            "-H",
            "Authorization: Bearer secret-token",
            "-H",
            "Proxy-Authorization: Basic eA==",
            "-H",
            "X-Forwarded-For: 6.6.6.6",
            "-H",
            "Connection: keep-alive, X-Private",
            "-H",
            "X-Private: hop",
            "-H",
            "X-Custom: end-to-end",
            "-H",
            "Cookie: a=b",
            front.url("/proxy/echo/x%20y?q=1&r=%2F"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertFalse(r.text().contains("secret-token"), r.text());
    Map<String, List<String>> seen = origin.lastHeaders.get();
    assertNull(header(seen, "authorization"));
    assertNull(header(seen, "proxy-authorization"));
    assertNull(header(seen, "x-private"));
    assertEquals("127.0.0.1", header(seen, "x-forwarded-for"));
    assertEquals("http", header(seen, "x-forwarded-proto"));
    assertEquals("127.0.0.1:" + front.port, header(seen, "x-forwarded-host"));
    assertEquals("127.0.0.1:" + origin.uri().getPort(), header(seen, "host"));
    assertEquals("end-to-end", header(seen, "x-custom"));
    assertEquals("a=b", header(seen, "cookie"));
    assertEquals("/echo/x%20y?q=1&r=%2F", origin.lastUri.get());
    assertEquals("echo", r.header("X-Origin-Status"));
  }

  @Test
  void hopByHopResponseHeadersStayBehind() throws Exception {
    Curl.Result r = curl(front.url("/proxy/hop"));
    assertEquals(200, r.status());
    assertEquals("passes", r.header("X-End-To-End"));
    assertNull(r.header("X-Hop-Header"));
    assertNull(r.header("Keep-Alive"));
    assertNull(r.header("Proxy-Authenticate"));
    assertEquals("hop", r.text());
  }

  /**
   * Through the real proxy path (review console4 #3b): an origin's {@code Set-Cookie} for the
   * console's cookies never reaches the client, its own cookies do, and the client's console
   * cookies never reach the origin.
   */
  @Test
  void theConsolesCookiesNeitherComeFromNorGoToAnOrigin() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", front.port)) {
      RawHttpConnection.Response r =
          c.send("GET /proxy/cookies HTTP/1.1\nCookie: a=1; authhost_console=secret; b=2\n", null);
      assertEquals(200, r.status(), r.bodyText());
      assertEquals(List.of("theirs=1; Path=/"), r.values("Set-Cookie"), r.headers().toString());
    }
    assertEquals(List.of("a=1; b=2"), origin.lastHeaders.get().get("cookie"));
  }

  @Test
  void statusesAndBodilessResponsesPassThrough() throws Exception {
    Curl.Result notFound = curl(front.url("/proxy/status/404"));
    assertEquals(404, notFound.status());
    assertTrue(notFound.text().startsWith("GET /status/404"));
    Curl.Result noContent = curl(front.url("/proxy/no-content"));
    assertEquals(0, noContent.exit(), noContent.toString());
    assertEquals(204, noContent.status());
    assertEquals("yes", noContent.header("X-Origin"));
    Curl.Result head = curl("--head", front.url("/proxy/big"));
    assertEquals(0, head.exit(), head.toString());
    assertEquals(200, head.status());
    assertEquals(String.valueOf(TestOrigin.BIG), head.header("Content-Length"));
    assertTrue(head.text().indexOf("\r\n\r\n") == head.text().length() - 4, head.text());
  }

  @Test
  void keepAliveToTheClientSurvivesProxiedResponses() throws Exception {
    Curl.Result r =
        curl(
            "-v",
            front.url("/proxy/status/200"),
            front.url("/proxy/big-chunked"),
            front.url("/proxy/no-content"),
            front.url("/proxy/hop"));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stderr().contains("Re-using existing connection"), r.stderr());
    assertFalse(
        r.stderr().contains("Connection #1"), "a second connection was opened: " + r.stderr());
  }

  @Test
  void originDownGives502() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (TestFront down =
        new TestFront(
            dir,
            URI.create("http://127.0.0.1:" + closedPort),
            null,
            g -> new OriginProxy(g, OriginProxy.DEFAULT_TIMEOUT, null, clock, clock))) {
      Curl.Result r = curl(down.url("/proxy/anything"));
      assertEquals(0, r.exit(), r.toString());
      assertEquals(502, r.status());
      assertTrue(r.text().startsWith("502"), r.text());
      assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
      assertEquals(false, down.proxyOutcomes.poll(10, TimeUnit.SECONDS), "the exchange failed");
      assertEquals(1, down.proxyRefusals.size(), down.proxyRefusals.toString());
      assertTrue(
          down.proxyRefusals.get(0).startsWith("502 audited: origin failed: "),
          down.proxyRefusals.toString());
    }
  }

  @Test
  void originThatAcceptsButNeverAnswersGives504() throws Exception {
    CompletableFuture<Curl.Result> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return curl(front.url("/proxy/slow"));
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("curl could not be run", e);
              }
            });
    assertTrue(
        origin.slowRequests.tryAcquire(10, TimeUnit.SECONDS), "the request reached the origin");

    clock.advance(TIMEOUT.minusMillis(1));
    assertFalse(answer.isDone(), "the origin still has time");
    clock.advance(Duration.ofMillis(1));
    Curl.Result r = answer.get(20, TimeUnit.SECONDS);

    assertEquals(0, r.exit(), r.toString());
    assertEquals(504, r.status());
    assertTrue(r.text().startsWith("504"), r.text());
    assertTrue(
        front.proxyRefusals.stream().anyMatch(e -> e.startsWith("504 audited: origin failed: ")),
        "the 504 passed through the one place, audited: " + front.proxyRefusals);
  }

  @Test
  void originThatClosesEarlyGives502() throws Exception {
    try (ServerSocket rude = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                try (Socket s = rude.accept()) {
                  s.getInputStream().read(new byte[1024]);
                  s.getOutputStream().write("garbage\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                  // fine
                }
              });
      t.start();
      try (TestFront f =
          new TestFront(
              dir,
              URI.create("http://127.0.0.1:" + rude.getLocalPort()),
              null,
              g -> new OriginProxy(g, OriginProxy.DEFAULT_TIMEOUT, null, clock, clock))) {
        Curl.Result r = curl(f.url("/proxy/x"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(502, r.status());
      }
      t.join(5000);
    }
  }

  @Test
  void originThatDiesMidBodyCutsTheResponseShort() throws Exception {
    try (ServerSocket dying = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                try (Socket s = dying.accept()) {
                  s.getInputStream().read(new byte[4096]);
                  OutputStream out = s.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.write(new byte[1000]);
                  out.flush();
                } catch (IOException e) {
                  // fine
                }
              });
      t.start();
      try (TestFront f =
          new TestFront(
              dir,
              URI.create("http://127.0.0.1:" + dying.getLocalPort()),
              null,
              g -> new OriginProxy(g, OriginProxy.DEFAULT_TIMEOUT, null, clock, clock))) {
        Curl.Result r = curl(f.url("/proxy/x"));
        assertEquals(18, r.exit(), "curl should see a partial transfer: " + r);
        assertEquals(200, r.status());
        assertEquals(false, f.proxyOutcomes.poll(10, TimeUnit.SECONDS), "the exchange failed");
      }
      t.join(5000);
    }
  }

  @Test
  void aClientThatLeavesCancelsTheExchange() throws Exception {
    // Every earlier exchange of this front completed before its curl did.
    front.proxyOutcomes.clear();
    Curl.Result r = curl("--limit-rate", "1M", "--max-time", "1", front.url("/proxy/big"));
    assertEquals(28, r.exit(), r.toString());
    assertEquals(
        false, front.proxyOutcomes.poll(10, TimeUnit.SECONDS), "the exchange was cancelled");
  }

  @Test
  void aSlowOriginHoldsTheUploadBack() throws Exception {
    AtomicLong received = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    byte[] data = new byte[32 * 1024 * 1024];
    new Random(32).nextBytes(data);
    Path file = Files.write(dir.resolve("slow-upload.bin"), data);
    try (ServerSocket slow = new ServerSocket()) {
      slow.setReceiveBufferSize(64 * 1024);
      slow.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread t =
          new Thread(
              () -> {
                try (Socket s = slow.accept()) {
                  InputStream in = s.getInputStream();
                  String head = readHead(in);
                  // The origin reads no body until the front has paused its client's reads.
                  assertTrue(go.await(60, TimeUnit.SECONDS), "the test never let the origin read");
                  long length =
                      Long.parseLong(head.replaceAll("(?is).*\r\ncontent-length: *(\\d+).*", "$1"));
                  byte[] buffer = new byte[32 * 1024];
                  long total = 0;
                  while (total < length) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - total));
                    if (n < 0) {
                      break;
                    }
                    total += n;
                    received.addAndGet(n);
                  }
                  byte[] answer = ("" + total).getBytes(StandardCharsets.US_ASCII);
                  s.getOutputStream()
                      .write(
                          ("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                  s.getOutputStream().write(answer);
                  s.getOutputStream().flush();
                } catch (IOException | InterruptedException | RuntimeException e) {
                  // the assertions below will tell
                }
              });
      t.start();
      try (TestFront f =
          new TestFront(
              dir,
              URI.create("http://127.0.0.1:" + slow.getLocalPort()),
              null,
              g -> new OriginProxy(g, OriginProxy.DEFAULT_TIMEOUT, null, clock, clock))) {
        f.originReceived = received;
        f.clientReadsPaused = new CountDownLatch(1);
        // Past the pause while the front connects to the origin (it has read the head then).
        f.pauseAfterBytes = 256 * 1024;
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
          Future<Curl.Result> upload =
              client.submit(
                  () -> curl("--data-binary", "@" + file, "-H", "Expect:", f.url("/proxy/upload")));
          // The origin reads nothing yet: the front must stop reading the client, not buffer it.
          assertTrue(
              f.clientReadsPaused.await(60, TimeUnit.SECONDS),
              "the front never paused its client's reads: read "
                  + f.bytesFromClients.get()
                  + " bytes");
          long aheadWhilePaused = f.bytesFromClients.get() - received.get();
          go.countDown();
          Curl.Result r = upload.get(120, TimeUnit.SECONDS);
          assertEquals(0, r.exit(), r.toString());
          assertEquals(String.valueOf(data.length), r.text());
          // The front may run ahead of the origin by its socket buffers, not by the whole upload.
          System.out.println(
              "slow origin: the front ran at most "
                  + f.mostAhead.get()
                  + " bytes ahead ("
                  + aheadWhilePaused
                  + " while the origin read nothing)");
          assertTrue(
              aheadWhilePaused < 10 * 1024 * 1024,
              "front read " + aheadWhilePaused + " bytes the origin had not taken");
          assertTrue(
              f.mostAhead.get() < 10 * 1024 * 1024,
              "front ran " + f.mostAhead.get() + " bytes ahead");
          assertNotEquals(0, f.mostAhead.get());
        } finally {
          go.countDown();
          client.shutdownNow();
        }
      }
      t.join(5000);
    }
  }

  @Test
  void httpsOriginWithItsCertificateTrusted() throws Exception {
    TestTls tls = TestTls.create(Files.createDirectories(dir.resolve("tls")));
    try (TestOrigin secure = new TestOrigin(tls.jdkServer());
        TestFront trusting =
            new TestFront(
                dir,
                secure.uri(),
                null,
                g -> {
                  try {
                    return new OriginProxy(
                        g, Duration.ofSeconds(10), tls.nettyClientTrustingIt(), clock, clock);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        TestFront jdkTrust =
            new TestFront(
                dir,
                secure.uri(),
                null,
                g -> new OriginProxy(g, OriginProxy.DEFAULT_TIMEOUT, null, clock, clock))) {
      Curl.Result r = curl(trusting.url("/proxy/big"));
      assertEquals(0, r.exit(), r.toString());
      assertEquals(200, r.status());
      assertEquals(secure.bodySha256, r.sha256());
      // The JDK trust store does not know the self-signed origin: refused, 502.
      Curl.Result refused = curl(jdkTrust.url("/proxy/big"));
      assertEquals(502, refused.status());
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("eof in head");
      }
      head.append((char) c);
    }
    return head.toString();
  }
}
