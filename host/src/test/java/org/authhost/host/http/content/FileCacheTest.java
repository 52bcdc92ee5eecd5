package org.authhost.host.http.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.http.content.SafePath.Refusal;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file cache's invalidation on the fake clock: within the interval an entry is used as it was
 * read (no file-system call), after it a change, a deletion or a link out of the point is seen; and
 * a large file swapped for a link is refused at once, because it is opened without following links.
 */
class FileCacheTest {
  static final Duration INTERVAL = Duration.ofSeconds(1);

  @TempDir Path dir;
  Path root;
  Path secret;
  MutableClock clock;
  FileCache cache;

  @BeforeEach
  void files() throws IOException {
    root = Files.createDirectories(dir.resolve("root"));
    secret = Files.writeString(dir.resolve("secret"), "TOP-SECRET");
    Files.writeString(root.resolve("a.txt"), "first");
    Files.createDirectories(root.resolve("sub"));
    clock = new MutableClock();
    cache = new FileCache(clock, INTERVAL, 64, 4096);
  }

  private FileCache.File file(String raw) {
    FileCache.Lookup found = cache.check(root, raw);
    assertTrue(found.allowed(), () -> raw + ": " + found.refusal() + " " + found.detail());
    return found.file();
  }

  private static String text(FileCache.File f) {
    ByteBuf bytes = f.slice(0, f.size());
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aFreshEntryIsUsedWithoutLookingAgain() throws IOException {
    FileCache.File first = file("a.txt");
    assertTrue(first.inMemory());
    assertEquals("first", text(first));
    assertEquals(root.resolve("a.txt").toRealPath(), first.path());
    clock.advance(INTERVAL.minusMillis(1));
    assertSame(first, file("a.txt"));
    // The same bytes after a check that finds nothing changed: not read again.
    clock.advance(Duration.ofMillis(1));
    FileCache.File again = file("a.txt");
    assertNotSame(first, again);
    assertEquals("first", text(again));
  }

  @Test
  void aChangedFileIsSeenAfterTheInterval() throws IOException {
    FileCache.File before = file("a.txt");
    Files.writeString(root.resolve("a.txt"), "second, longer");
    // Within the interval: the snapshot that was read, bytes and validators together.
    assertSame(before, file("a.txt"));
    assertEquals("first", text(file("a.txt")));
    clock.advance(INTERVAL);
    FileCache.File after = file("a.txt");
    assertEquals("second, longer", text(after));
    assertEquals(14, after.size());
  }

  @Test
  void aChangeOfTheSameSizeIsSeenByItsModificationTime() throws IOException {
    Path a = root.resolve("a.txt");
    Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    assertEquals("first", text(file("a.txt")));
    Files.writeString(a, "FIRST");
    Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2024-01-01T00:00:01Z")));
    clock.advance(INTERVAL);
    assertEquals("FIRST", text(file("a.txt")));
  }

  @Test
  void aFileReplacedByRenameIsSeen() throws IOException {
    Path a = root.resolve("a.txt");
    FileTime same = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));
    Files.setLastModifiedTime(a, same);
    assertEquals("first", text(file("a.txt")));
    // Same size and time, another file (inode): the file key tells them apart.
    Path other = Files.writeString(root.resolve("new.tmp"), "FIRST");
    Files.setLastModifiedTime(other, same);
    Files.move(other, a, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    clock.advance(INTERVAL);
    assertEquals("FIRST", text(file("a.txt")));
  }

  @Test
  void aDeletedFileIsGoneAfterTheInterval() throws IOException {
    file("a.txt");
    assertEquals(1, cache.size());
    Files.delete(root.resolve("a.txt"));
    clock.advance(INTERVAL);
    FileCache.Lookup found = cache.check(root, "a.txt");
    assertFalse(found.allowed());
    assertEquals(Refusal.NOT_FOUND, found.refusal());
    assertEquals(0, cache.size());
  }

  @Test
  void aFileReplacedByALinkOutOfThePointIsRefusedAfterTheInterval() throws IOException {
    FileCache.File before = file("a.txt");
    Files.delete(root.resolve("a.txt"));
    Files.createSymbolicLink(root.resolve("a.txt"), secret);
    // Within the interval the old bytes, never the link's target.
    assertEquals("first", text(file("a.txt")));
    assertSame(before, file("a.txt"));
    clock.advance(INTERVAL);
    FileCache.Lookup found = cache.check(root, "a.txt");
    assertEquals(Refusal.LINK_OUTSIDE_ROOT, found.refusal());
    assertEquals(0, cache.size());
  }

  @Test
  void aFolderReplacedByALinkOutOfThePointIsRefusedAfterTheInterval() throws IOException {
    Files.writeString(root.resolve("sub/b.txt"), "bee");
    Files.writeString(dir.resolve("b.txt"), "outside");
    assertEquals("bee", text(file("sub/b.txt")));
    Files.delete(root.resolve("sub/b.txt"));
    Files.delete(root.resolve("sub"));
    Files.createSymbolicLink(root.resolve("sub"), dir);
    clock.advance(INTERVAL);
    assertEquals(Refusal.LINK_OUTSIDE_ROOT, cache.check(root, "sub/b.txt").refusal());
  }

  @Test
  void aLargeFileSwappedForALinkIsRefusedAtOnce() throws Exception {
    byte[] large = new byte[1000];
    Files.write(root.resolve("large.bin"), large);
    FileCache.File entry = file("large.bin");
    assertFalse(entry.inMemory(), "larger than the 64-byte limit of this cache");
    assertEquals(200, serve(entry).status);
    Files.delete(root.resolve("large.bin"));
    Files.createSymbolicLink(root.resolve("large.bin"), secret);
    // Still fresh in the cache, but the open does not follow the link.
    assertSame(entry, file("large.bin"));
    Served refused = serve(entry);
    assertEquals(404, refused.status);
    assertFalse(refused.body.contains("TOP-SECRET"), refused.body);
    clock.advance(INTERVAL);
    assertEquals(Refusal.LINK_OUTSIDE_ROOT, cache.check(root, "large.bin").refusal());
  }

  @Test
  void aLinkInsideThePointIsFollowed() throws IOException {
    Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("a.txt"));
    FileCache.File f = file("alias.txt");
    assertEquals(root.resolve("a.txt").toRealPath(), f.path());
    assertEquals("text/plain; charset=utf-8", f.contentType());
  }

  @Test
  void refusalsAreNotRemembered() {
    for (int i = 0; i < 100; i++) {
      assertEquals(Refusal.NOT_FOUND, cache.check(root, "missing-" + i).refusal());
    }
    assertEquals(Refusal.DOT_SEGMENT, cache.check(root, "../secret").refusal());
    assertEquals(0, cache.size());
  }

  @Test
  void theCacheIsBoundedByWeight() throws IOException {
    // 4096 bytes at most: each entry weighs its bytes (up to 64 here) plus the fixed overhead.
    for (int i = 0; i < 20; i++) {
      Files.writeString(root.resolve("f" + i), "x".repeat(60));
      file("f" + i);
      assertTrue(cache.weight() <= 4096, "weight " + cache.weight());
    }
    assertEquals(4096 / (FileCache.ENTRY_OVERHEAD + 60), cache.size());
    // The most recently used stay.
    assertSame(file("f19"), file("f19"));
  }

  @Test
  void folderAndZeroLengthFilesAreEntriesToo() throws IOException {
    assertFalse(file("sub/").regular());
    Files.write(root.resolve("empty"), new byte[0]);
    FileCache.File empty = file("empty");
    assertTrue(empty.regular());
    assertEquals(0, empty.size());
  }

  @Test
  void servedFromMemoryWithTheSameHeadersAsFromTheFile() throws Exception {
    Files.setLastModifiedTime(
        root.resolve("a.txt"), FileTime.from(Instant.parse("2024-05-01T10:00:00.250Z")));
    Served fromMemory = serve(file("a.txt"));
    Served fromFile = serveFile(root.resolve("a.txt"));
    assertEquals(200, fromMemory.status);
    assertEquals("first", fromMemory.body);
    assertTrue(fromFile.region != null, "from the file: a zero-copy region");
    for (String name : new String[] {"content-type", "etag", "last-modified", "content-length"}) {
      assertEquals(fromFile.response.headers().get(name), fromMemory.response.headers().get(name));
    }
    assertNull(fromMemory.region, "small files do not go out as a file region");
  }

  private record Served(int status, HttpResponse response, String body, FileRegion region) {}

  private Served serve(FileCache.File f) throws Exception {
    return run(ctx -> FileResponder.respond(ctx, get(), f, true, null, clock));
  }

  private Served serveFile(Path p) throws Exception {
    return run(ctx -> FileResponder.respond(ctx, get(), p, true, clock));
  }

  private static DefaultFullHttpRequest get() {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
  }

  private interface Responder {
    void respond(ChannelHandlerContext ctx);
  }

  private static Served run(Responder responder) throws Exception {
    ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter();
    EmbeddedChannel channel = new EmbeddedChannel(handler);
    responder.respond(channel.pipeline().context(handler));
    List<Object> out = new ArrayList<>();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      out.add(o);
    }
    HttpResponse response = assertInstanceOf(HttpResponse.class, out.get(0));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    FileRegion region = null;
    for (Object o : out) {
      if (o instanceof HttpContent c) {
        body.write(ByteBufUtil.getBytes(c.content()));
      } else if (o instanceof FileRegion r) {
        region = r;
      }
    }
    out.forEach(ReferenceCountUtil::release);
    channel.finishAndReleaseAll();
    return new Served(
        response.status().code(),
        response,
        new String(body.toByteArray(), StandardCharsets.UTF_8),
        region);
  }
}
