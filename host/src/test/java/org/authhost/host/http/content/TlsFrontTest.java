package org.authhost.host.http.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same front over TLS: FileResponder must take the ChunkedNioFile path (a FileRegion cannot go
 * through an SslHandler), and the proxy must say X-Forwarded-Proto: https.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsFrontTest {
  /** The proxy's time limits sit on this clock; no test here moves it. */
  final MutableClock clock = new MutableClock();

  @TempDir static Path dir;
  Path work;
  byte[] big;
  TestTls tls;
  TestOrigin origin;
  TestFront front;

  @BeforeAll
  void start() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    work = Files.createDirectories(dir.resolve("curl"));
    big = new byte[3 * 1024 * 1024 + 17];
    new Random(3).nextBytes(big);
    Files.write(root.resolve("big.webm"), big);
    Files.writeString(dir.resolve("secret"), "TLS-SECRET");
    tls = TestTls.create(Files.createDirectories(dir.resolve("tls")));
    origin = new TestOrigin(null);
    front =
        new TestFront(
            root,
            origin.uri(),
            tls.nettyServer(),
            g -> new OriginProxy(g, OriginProxy.DEFAULT_TIMEOUT, null, clock, clock));
  }

  @AfterAll
  void stop() throws Exception {
    front.close();
    origin.close();
  }

  Curl.Result curl(String... args) throws IOException, InterruptedException {
    String[] all = new String[args.length + 2];
    all[0] = "--cacert";
    all[1] = tls.pem.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return Curl.run(work, all);
  }

  @Test
  void wholeFileOverTls() throws Exception {
    front.largestWrite.set(0);
    Curl.Result r = curl(front.url("/files/big.webm"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertEquals("video/webm", r.header("Content-Type"));
    assertEquals(String.valueOf(big.length), r.header("Content-Length"));
    assertArrayEquals(big, r.body());
    assertTrue(
        front.largestWrite.get() < 256 * 1024, "largest TLS write " + front.largestWrite.get());
  }

  @Test
  void rangesAndHeadOverTls() throws Exception {
    Curl.Result r = curl("-H", "Range: bytes=1000-1999", front.url("/files/big.webm"));
    assertEquals(206, r.status());
    assertArrayEquals(Arrays.copyOfRange(big, 1000, 2000), r.body());
    Curl.Result suffix = curl("-H", "Range: bytes=-5", front.url("/files/big.webm"));
    assertArrayEquals(Arrays.copyOfRange(big, big.length - 5, big.length), suffix.body());
    Curl.Result head = curl("--head", front.url("/files/big.webm"));
    assertEquals(200, head.status());
    assertEquals(String.valueOf(big.length), head.header("Content-Length"));
  }

  @Test
  void keepAliveOverTls() throws Exception {
    Curl.Result r =
        curl(
            "-v",
            front.url("/files/big.webm"),
            front.url("/files/big.webm"),
            front.url("/proxy/big"));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stderr().contains("Re-using existing connection"), r.stderr());
    assertArrayEquals(big, r.body()); // -o takes the first URL's body; the others went to stdout
  }

  @Test
  void traversalOverTls() throws Exception {
    for (String attempt :
        List.of("/files/../secret", "/files/%2e%2e/secret", "/files/..%2fsecret")) {
      Curl.Result r = curl("--path-as-is", front.url(attempt));
      assertTrue(r.status() == 404 || r.status() == 400, attempt + " gave " + r.status());
      assertTrue(!r.text().contains("TLS-SECRET"));
    }
  }

  @Test
  void proxyOverTlsSaysHttps() throws Exception {
    Curl.Result r = curl(front.url("/proxy/echo"));
    assertEquals(200, r.status());
    assertEquals(List.of("https"), origin.lastHeaders.get().get("x-forwarded-proto"));
    Curl.Result big20 = curl(front.url("/proxy/big"));
    assertEquals(origin.bodySha256, big20.sha256());
  }
}
