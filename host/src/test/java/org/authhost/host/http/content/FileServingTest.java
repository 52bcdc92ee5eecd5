package org.authhost.host.http.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** SafePath + FileResponder behind a real Netty server, exercised with curl over plain HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileServingTest {
  /** The proxy's time limits sit on this clock; no test here moves it. */
  final MutableClock clock = new MutableClock();

  static final String SECRET = "TOP-SECRET-CONTENT-42";

  @TempDir static Path dir;
  Path root;
  Path work;
  byte[] big;
  byte[] small;
  TestFront front;

  @BeforeAll
  void start() throws Exception {
    root = Files.createDirectories(dir.resolve("root"));
    work = Files.createDirectories(dir.resolve("curl"));
    Files.writeString(dir.resolve("secret"), SECRET);
    small = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    Files.write(root.resolve("small.txt"), small);
    big = new byte[5 * 1024 * 1024 + 123];
    new Random(7).nextBytes(big);
    Files.write(root.resolve("big.mp4"), big);
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/page.html"), "<p>hi</p>");
    Files.writeString(root.resolve("data.json"), "{}");
    Files.writeString(root.resolve("list.m3u8"), "#EXTM3U\n");
    Files.writeString(root.resolve("seg.m4s"), "seg");
    Files.writeString(root.resolve("clip.wmv"), "wmv");
    Files.write(root.resolve("empty.bin"), new byte[0]);
    Files.createSymbolicLink(root.resolve("leak.txt"), dir.resolve("secret"));
    Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("small.txt"));
    Path unreadable = Files.writeString(root.resolve("locked.txt"), "locked");
    Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
    for (Path p : new Path[] {root.resolve("small.txt"), root.resolve("big.mp4")}) {
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-05-01T10:00:00.250Z")));
    }
    front =
        new TestFront(
            root,
            null,
            null,
            g -> new OriginProxy(g, OriginProxy.DEFAULT_TIMEOUT, null, clock, clock));
    front.files = cache();
  }

  /** The cache the front serves through, or null for SafePath and the file alone. */
  FileCache cache() {
    return null;
  }

  @AfterAll
  void stop() throws Exception {
    front.close();
  }

  Curl.Result curl(String... args) throws IOException, InterruptedException {
    return Curl.run(work, args);
  }

  @Test
  void getServesTheWholeFileWithItsHeaders() throws Exception {
    Curl.Result r = curl(front.url("/files/big.mp4"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertEquals(String.valueOf(big.length), r.header("Content-Length"));
    assertEquals("video/mp4", r.header("Content-Type"));
    assertEquals("bytes", r.header("Accept-Ranges"));
    assertEquals("Wed, 01 May 2024 10:00:00 GMT", r.header("Last-Modified"));
    assertNotNull(r.header("Date"));
    assertTrue(r.header("ETag").matches("\"[0-9a-f]+-[0-9a-f]+\""), r.header("ETag"));
    assertArrayEquals(big, r.body());
    // Zero-copy path: the file never went through a buffer of the pipeline.
    assertTrue(front.largestWrite.get() < 64 * 1024, "largest write " + front.largestWrite.get());
  }

  @Test
  void headSendsHeadersOnly() throws Exception {
    Curl.Result r = curl("--head", front.url("/files/big.mp4"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertEquals(String.valueOf(big.length), r.header("Content-Length"));
    // With --head curl saves the header block as the "body": nothing may follow it.
    assertTrue(
        r.text().startsWith("HTTP/1.1 200")
            && r.text().indexOf("\r\n\r\n") == r.text().length() - 4,
        r.text());
  }

  @Test
  void headLeavesNothingBehindOnAKeptConnection() throws Exception {
    try (Socket s = new Socket("127.0.0.1", front.port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("HEAD /files/big.mp4 HTTP/1.1\r\nHost: x\r\n\r\n"
                      + "HEAD /files/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                      + "GET /files/small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      String[] parts = all.split("\r\n\r\n", -1);
      assertEquals(4, parts.length, all);
      assertTrue(parts[0].startsWith("HTTP/1.1 200 OK"), all);
      assertTrue(parts[0].contains("content-length: " + big.length), all);
      assertTrue(parts[1].startsWith("HTTP/1.1 404 Not Found"), all);
      assertTrue(
          parts[2].startsWith("HTTP/1.1 200 OK") && parts[2].contains("connection: close"), all);
      assertEquals(new String(small, StandardCharsets.US_ASCII), parts[3]);
    }
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
    Curl.Result r =
        curl(
            "-v",
            front.url("/files/small.txt"),
            front.url("/files/big.mp4"),
            front.url("/files/empty.bin"),
            front.url("/files/small.txt"));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stderr().contains("Re-using existing connection"), r.stderr());
    assertFalse(
        r.stderr().contains("Connection #1"), "a second connection was opened: " + r.stderr());
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    Curl.Result r = curl("-H", "Connection: close", front.url("/files/small.txt"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals("close", r.header("Connection"));
    assertArrayEquals(small, r.body());
  }

  @Test
  void http10GetsKeepAliveWhenItAsks() throws Exception {
    Curl.Result r =
        curl("--http1.0", "-H", "Connection: keep-alive", front.url("/files/small.txt"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals("keep-alive", r.header("Connection"));
    assertArrayEquals(small, r.body());
  }

  @Test
  void conditionalGetGives304WithTheEtag() throws Exception {
    Curl.Result first = curl(front.url("/files/small.txt"));
    String etag = first.header("ETag");
    Curl.Result again = curl("-H", "If-None-Match: " + etag, front.url("/files/small.txt"));
    assertEquals(0, again.exit(), again.toString());
    assertEquals(304, again.status());
    assertEquals(0, again.body().length);
    assertEquals(etag, again.header("ETag"));
    Curl.Result weak = curl("-H", "If-None-Match: \"x\", W/" + etag, front.url("/files/small.txt"));
    assertEquals(304, weak.status());
    Curl.Result other = curl("-H", "If-None-Match: \"other\"", front.url("/files/small.txt"));
    assertEquals(200, other.status());
    assertArrayEquals(small, other.body());
  }

  @Test
  void ifModifiedSince() throws Exception {
    Curl.Result same =
        curl(
            "-H",
            "If-Modified-Since: Wed, 01 May 2024 10:00:00 GMT",
            front.url("/files/small.txt"));
    assertEquals(304, same.status());
    Curl.Result older =
        curl(
            "-H",
            "If-Modified-Since: Wed, 01 May 2024 09:59:59 GMT",
            front.url("/files/small.txt"));
    assertEquals(200, older.status());
    // If-None-Match wins over If-Modified-Since.
    Curl.Result both =
        curl(
            "-H",
            "If-None-Match: \"other\"",
            "-H",
            "If-Modified-Since: Wed, 01 May 2024 10:00:00 GMT",
            front.url("/files/small.txt"));
    assertEquals(200, both.status());
    Curl.Result garbage = curl("-H", "If-Modified-Since: yesterday", front.url("/files/small.txt"));
    assertEquals(200, garbage.status());
  }

  @Test
  void ifMatchAndIfUnmodifiedSinceGive412() throws Exception {
    String etag = curl("--head", front.url("/files/small.txt")).header("ETag");
    assertEquals(412, curl("-H", "If-Match: \"stale\"", front.url("/files/small.txt")).status());
    assertEquals(412, curl("-H", "If-Match: W/" + etag, front.url("/files/small.txt")).status());
    assertEquals(200, curl("-H", "If-Match: " + etag, front.url("/files/small.txt")).status());
    assertEquals(200, curl("-H", "If-Match: *", front.url("/files/small.txt")).status());
    assertEquals(
        412,
        curl(
                "-H",
                "If-Unmodified-Since: Wed, 01 May 2024 09:00:00 GMT",
                front.url("/files/small.txt"))
            .status());
    assertEquals(
        200,
        curl(
                "-H",
                "If-Unmodified-Since: Wed, 01 May 2024 10:00:00 GMT",
                front.url("/files/small.txt"))
            .status());
  }

  @Test
  void byteRanges() throws Exception {
    Curl.Result r = curl("-H", "Range: bytes=10-19", front.url("/files/big.mp4"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(206, r.status());
    assertEquals("bytes 10-19/" + big.length, r.header("Content-Range"));
    assertEquals("10", r.header("Content-Length"));
    assertArrayEquals(Arrays.copyOfRange(big, 10, 20), r.body());

    Curl.Result suffix = curl("-H", "Range: bytes=-5", front.url("/files/big.mp4"));
    assertEquals(206, suffix.status());
    assertEquals(
        "bytes " + (big.length - 5) + "-" + (big.length - 1) + "/" + big.length,
        suffix.header("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(big, big.length - 5, big.length), suffix.body());

    Curl.Result open = curl("-H", "Range: bytes=5000000-", front.url("/files/big.mp4"));
    assertEquals(206, open.status());
    assertArrayEquals(Arrays.copyOfRange(big, 5_000_000, big.length), open.body());
  }

  @Test
  void unsatisfiableRangeGives416() throws Exception {
    Curl.Result r = curl("-H", "Range: bytes=" + big.length + "-", front.url("/files/big.mp4"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(416, r.status());
    assertEquals("bytes */" + big.length, r.header("Content-Range"));
  }

  @Test
  void malformedAndMultipleRangesGiveTheWholeFile() throws Exception {
    Curl.Result malformed = curl("-H", "Range: bytes=20-10", front.url("/files/small.txt"));
    assertEquals(200, malformed.status());
    assertArrayEquals(small, malformed.body());
    Curl.Result multiple = curl("-H", "Range: bytes=0-1,4-5", front.url("/files/small.txt"));
    assertEquals(200, multiple.status());
    assertArrayEquals(small, multiple.body());
  }

  @Test
  void ifRange() throws Exception {
    String etag = curl("--head", front.url("/files/big.mp4")).header("ETag");
    Curl.Result stale =
        curl("-H", "Range: bytes=10-19", "-H", "If-Range: \"stale\"", front.url("/files/big.mp4"));
    assertEquals(200, stale.status());
    assertEquals(big.length, stale.body().length);
    Curl.Result current =
        curl("-H", "Range: bytes=10-19", "-H", "If-Range: " + etag, front.url("/files/big.mp4"));
    assertEquals(206, current.status());
    assertArrayEquals(Arrays.copyOfRange(big, 10, 20), current.body());
    Curl.Result date =
        curl(
            "-H",
            "Range: bytes=10-19",
            "-H",
            "If-Range: Wed, 01 May 2024 10:00:00 GMT",
            front.url("/files/big.mp4"));
    assertEquals(206, date.status());
  }

  @Test
  void mediaTypes() throws Exception {
    assertEquals(
        "text/html; charset=utf-8", curl(front.url("/files/sub/page.html")).header("Content-Type"));
    assertEquals("application/json", curl(front.url("/files/data.json")).header("Content-Type"));
    assertEquals(
        "application/vnd.apple.mpegurl",
        curl(front.url("/files/list.m3u8")).header("Content-Type"));
    assertEquals("video/iso.segment", curl(front.url("/files/seg.m4s")).header("Content-Type"));
    assertEquals("video/x-ms-wmv", curl(front.url("/files/clip.wmv")).header("Content-Type"));
    assertEquals(
        "application/octet-stream", curl(front.url("/files/empty.bin")).header("Content-Type"));
  }

  @Test
  void emptyFile() throws Exception {
    Curl.Result r = curl(front.url("/files/empty.bin"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(200, r.status());
    assertEquals("0", r.header("Content-Length"));
  }

  @Test
  void directoriesMissingFilesAndOtherMethods() throws Exception {
    assertEquals(404, curl(front.url("/files/sub/")).status());
    assertEquals(404, curl(front.url("/files/sub")).status());
    assertEquals(404, curl(front.url("/files/")).status());
    assertEquals(404, curl(front.url("/files/nothing.mp4")).status());
    Curl.Result post = curl("-X", "POST", "--data-binary", "x", front.url("/files/small.txt"));
    assertEquals(405, post.status());
    assertEquals("GET, HEAD", post.header("Allow"));
    Curl.Result delete = curl("-X", "DELETE", front.url("/files/small.txt"));
    assertEquals(405, delete.status());
  }

  @Test
  void unreadableFileGives403() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    Curl.Result r = curl(front.url("/files/locked.txt"));
    // root reads everything; anyone else must get 403.
    assertEquals(root ? 200 : 403, r.status(), r.toString());
  }

  @Test
  void symlinkInsideTheRootIsServed() throws Exception {
    Curl.Result r = curl(front.url("/files/alias.txt"));
    assertEquals(200, r.status());
    assertArrayEquals(small, r.body());
  }

  @Test
  void traversalAttemptsNeverReachTheSecret() throws Exception {
    String[] attempts = {
      "/files/../secret",
      "/files/%2e%2e/secret",
      "/files/%2E%2E/secret",
      "/files/.%2e/secret",
      "/files/..%2fsecret",
      "/files/..%5csecret",
      "/files/..\\secret",
      "/files/sub/../../secret",
      "/files/a%00b",
      "/files/%00../secret",
      "/files/%c0%ae%c0%ae/secret",
      "/files/%c0%ae%c0%ae%c0%afsecret",
      "/files/%e0%80%ae%e0%80%ae/secret",
      "/files//secret",
      "/files/leak.txt",
      "/files/" + dir.resolve("secret"),
    };
    int before = front.refusals.size();
    for (String attempt : attempts) {
      Curl.Result r = curl("--path-as-is", front.url(attempt));
      assertEquals(0, r.exit(), attempt + ": " + r);
      assertTrue(r.status() == 404 || r.status() == 400, attempt + " gave " + r.status());
      assertFalse(r.text().contains(SECRET), attempt + " leaked the secret");
    }
    assertEquals(attempts.length, front.refusals.size() - before);
    assertTrue(
        front.refusals.stream().anyMatch(x -> x.refusal() == SafePath.Refusal.LINK_OUTSIDE_ROOT));
  }
}
