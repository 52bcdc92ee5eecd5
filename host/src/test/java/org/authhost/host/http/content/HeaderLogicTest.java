package org.authhost.host.http.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import org.authhost.host.http.content.FileResponder.ByteRange;
import org.junit.jupiter.api.Test;

/** The header logic of FileResponder and OriginProxy, without sockets. */
class HeaderLogicTest {

  @Test
  void theConsolesCookiesNeverReachAnOriginNorComeFromOne() {
    HttpRequest request =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/console/x");
    request
        .headers()
        .add("Cookie", "a=1; authhost_console=secret; b=2")
        .add("Cookie", "authhost_console_signed_out=1")
        .add("Cookie", "c=3");
    HttpHeaders up =
        OriginProxy.upstreamRequest(
                request, URI.create("http://origin.test"), "/console/x", "192.0.2.1", false)
            .headers();
    assertEquals(List.of("a=1; b=2", "c=3"), up.getAll("Cookie"), up.toString());

    HttpHeaders answer = new DefaultHttpHeaders();
    answer
        .add("Set-Cookie", "authhost_console=planted; Path=/console/")
        .add("Set-Cookie", "theirs=1; Path=/")
        .add("Set-Cookie", "Authhost_Console_Signed_Out=1");
    OriginProxy.withoutConsoleCookies(answer, "Set-Cookie");
    assertEquals(List.of("theirs=1; Path=/"), answer.getAll("Set-Cookie"));
  }

  @Test
  void singleRanges() {
    assertEquals(new ByteRange(10, 19), ByteRange.parse("bytes=10-19", 100));
    assertEquals(new ByteRange(10, 99), ByteRange.parse("bytes=10-", 100));
    assertEquals(new ByteRange(10, 99), ByteRange.parse("bytes=10-1000", 100));
    assertEquals(new ByteRange(95, 99), ByteRange.parse("bytes=-5", 100));
    assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=-500", 100));
    assertEquals(new ByteRange(0, 0), ByteRange.parse("Bytes = 0-0", 100));
    assertEquals(new ByteRange(99, 99), ByteRange.parse("bytes=99-99999999999999999999999", 100));
  }

  @Test
  void unsatisfiableRanges() {
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=100-", 100));
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=100-200", 100));
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", 100));
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=0-", 0));
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-5", 0));
    assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=99999999999999999999999-", 100));
  }

  @Test
  void malformedOrMultipleRangesAreIgnored() {
    for (String header :
        List.of(
            "bytes=19-10",
            "bytes=a-b",
            "bytes=",
            "bytes=-",
            "bytes=1",
            "items=0-1",
            "0-1",
            "bytes=0-1,5-6",
            "bytes=0-1,",
            "bytes=+1-2",
            "bytes=1-+2",
            "bytes=--1")) {
      assertSame(ByteRange.IGNORE, ByteRange.parse(header, 100), header);
    }
  }

  @Test
  void entityTagComparisons() {
    String etag = FileResponder.etag(100, 12345);
    assertEquals("\"64-3039\"", etag);
    assertTrue(FileResponder.matches(etag, etag, true));
    assertTrue(FileResponder.matches("\"x\", " + etag, etag, true));
    assertTrue(FileResponder.matches("*", etag, true));
    assertFalse(FileResponder.matches("W/" + etag, etag, true));
    assertTrue(FileResponder.matches("W/" + etag, etag, false));
    assertFalse(FileResponder.matches("\"other\"", etag, false));
    assertFalse(FileResponder.matches("garbage", etag, false));
    assertEquals(List.of("\"a,b\"", "W/\"c\""), FileResponder.entityTags("\"a,b\" , W/\"c\""));
  }

  @Test
  void ifRange() {
    String etag = FileResponder.etag(1, 2);
    long now = 1_767_225_600_250L; // 2026-01-01T00:00:00.250Z
    long old = now - 60_000;
    long oldSecond = old / 1000 * 1000;
    assertTrue(FileResponder.ifRangeHolds(null, etag, old, now));
    assertTrue(FileResponder.ifRangeHolds(etag, etag, old, now));
    assertFalse(FileResponder.ifRangeHolds("W/" + etag, etag, old, now));
    assertFalse(FileResponder.ifRangeHolds("\"stale\"", etag, old, now));
    assertTrue(
        FileResponder.ifRangeHolds(DateFormatter.format(new Date(oldSecond)), etag, old, now));
    assertFalse(
        FileResponder.ifRangeHolds(
            DateFormatter.format(new Date(oldSecond - 1000)), etag, old, now));
    assertFalse(FileResponder.ifRangeHolds("not a date", etag, old, now));
    long recent = now - 999;
    assertFalse(
        FileResponder.ifRangeHolds(
            DateFormatter.format(new Date(recent / 1000 * 1000)), etag, recent, now),
        "a modification time under a second old is a weak validator");
    long secondOld = now - 1000;
    assertTrue(
        FileResponder.ifRangeHolds(
            DateFormatter.format(new Date(secondOld / 1000 * 1000)), etag, secondOld, now),
        "a second old, it is strong");
  }

  @Test
  void mediaTypes() {
    assertEquals("video/mp4", MediaTypes.of(Path.of("a/clip.MP4")));
    assertEquals("video/iso.segment", MediaTypes.of(Path.of("seg-1.m4s")));
    assertEquals("application/vnd.apple.mpegurl", MediaTypes.of(Path.of("index.m3u8")));
    assertEquals("video/mp2t", MediaTypes.of(Path.of("x.ts")));
    assertEquals("video/webm", MediaTypes.of(Path.of("x.webm")));
    assertEquals("audio/mpeg", MediaTypes.of(Path.of("x.mp3")));
    assertEquals("video/x-ms-asf", MediaTypes.of(Path.of("x.asf")));
    assertEquals("video/x-ms-wmv", MediaTypes.of(Path.of("x.wmv")));
    assertEquals("text/html; charset=utf-8", MediaTypes.of(Path.of("x.html")));
    assertEquals("text/plain; charset=utf-8", MediaTypes.of(Path.of("x.txt")));
    assertEquals("application/json", MediaTypes.of(Path.of("x.json")));
    assertEquals("text/css; charset=utf-8", MediaTypes.of(Path.of("x.css")));
    assertEquals("text/javascript; charset=utf-8", MediaTypes.of(Path.of("x.js")));
    assertEquals("image/png", MediaTypes.of(Path.of("x.png")));
    assertEquals("image/jpeg", MediaTypes.of(Path.of("x.jpg")));
    assertEquals("image/svg+xml", MediaTypes.of(Path.of("x.svg")));
    assertEquals("application/octet-stream", MediaTypes.of(Path.of("x.unknown")));
    assertEquals("application/octet-stream", MediaTypes.of(Path.of("noextension")));
    assertEquals("application/octet-stream", MediaTypes.of(Path.of("trailingdot.")));
    assertEquals("application/octet-stream", MediaTypes.of(Path.of("/")));
  }

  @Test
  void upstreamRequestHeaders() {
    HttpHeaders in = new DefaultHttpHeaders();
    in.set("Host", "front.example:8443");
    in.set("Authorization", "Basic dXNlcjpwYXNz");
    in.set("Proxy-Authorization", "Basic eA==");
    in.set("Proxy-Connection", "keep-alive");
    in.set("Connection", "keep-alive, X-Secret-Hop, Content-Length");
    in.set("X-Secret-Hop", "1");
    in.set("Keep-Alive", "timeout=5");
    in.set("TE", "trailers");
    in.set("Upgrade", "h2c");
    in.set("Trailer", "X-T");
    in.set("Expect", "100-continue");
    in.set("X-Forwarded-For", "6.6.6.6");
    in.set("Forwarded", "for=6.6.6.6");
    in.set("Content-Length", "10");
    in.set("Range", "bytes=0-1");
    in.set("Cookie", "a=b");
    HttpRequest request =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/proxy/x", in);
    HttpRequest up =
        OriginProxy.upstreamRequest(
            request, URI.create("http://origin.example:8080"), "/x?y=1", "10.0.0.7", true);
    HttpHeaders h = up.headers();
    assertEquals("/x?y=1", up.uri());
    assertEquals("origin.example:8080", h.get("Host"));
    assertNull(h.get("Authorization"));
    assertNull(h.get("Proxy-Authorization"));
    assertNull(h.get("Proxy-Connection"));
    assertNull(h.get("X-Secret-Hop"));
    assertNull(h.get("Keep-Alive"));
    assertNull(h.get("TE"));
    assertNull(h.get("Upgrade"));
    assertNull(h.get("Trailer"));
    assertNull(h.get("Expect"));
    assertNull(h.get("Forwarded"));
    assertEquals("close", h.get("Connection"));
    assertEquals("10", h.get("Content-Length"), "a Connection header cannot remove the framing");
    assertEquals("10.0.0.7", h.get("X-Forwarded-For"));
    assertEquals("https", h.get("X-Forwarded-Proto"));
    assertEquals("front.example:8443", h.get("X-Forwarded-Host"));
    assertEquals("bytes=0-1", h.get("Range"));
    assertEquals("a=b", h.get("Cookie"));
    // The client's request is left alone.
    assertEquals("Basic dXNlcjpwYXNz", request.headers().get("Authorization"));
  }

  @Test
  void chunkedRequestsStayChunked() {
    HttpHeaders in = new DefaultHttpHeaders();
    in.set("Transfer-Encoding", "chunked");
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/", in);
    HttpRequest up =
        OriginProxy.upstreamRequest(
            request, URI.create("https://origin.example"), "/", null, false);
    assertEquals("chunked", up.headers().get("Transfer-Encoding"));
    assertNull(up.headers().get("Content-Length"));
    assertEquals("origin.example", up.headers().get("Host"));
    assertNull(up.headers().get("X-Forwarded-For"));
    assertEquals("http", up.headers().get("X-Forwarded-Proto"));
  }

  @Test
  void authorityAndTarget() {
    assertEquals("o.example", OriginProxy.authority(URI.create("http://o.example:80/base")));
    assertEquals("o.example:8080", OriginProxy.authority(URI.create("http://o.example:8080")));
    assertEquals("o.example", OriginProxy.authority(URI.create("https://o.example:443")));
    assertEquals("[::1]:81", OriginProxy.authority(URI.create("http://[::1]:81")));
    assertEquals("/a/b?c=d%20e", OriginProxy.target("/a/b?c=d%20e"));
    assertEquals("/a", OriginProxy.target("a"));
    assertNull(OriginProxy.target("/a b"));
    assertNull(OriginProxy.target("/a\r\nX-Injected: 1"));
    assertNull(OriginProxy.target("/a#frag"));
  }
}
