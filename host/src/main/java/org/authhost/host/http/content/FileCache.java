package org.authhost.host.http.content;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.authhost.host.time.HostClock;

/**
 * What {@link SafePath} found for a request path, and the file's metadata and (for a small file)
 * its bytes, remembered for a short while so that a hot file costs no system call at all.
 *
 * <p>Without it, every request for a file paid {@link Path#toRealPath} (one {@code readlink} per
 * path component of the root and of the file, all failing on ordinary names), a {@code stat}, an
 * {@code open}, an {@code fstat}, a {@code sendfile} and a {@code close}.
 *
 * <p><b>Invalidation.</b> An entry is used for at most {@link #revalidateAfter} of the host's
 * monotonic clock ({@link HostClock#nanoTime}). The first lookup after that repeats the whole
 * check: {@link SafePath#check} (the root's real path, the file's real path, a symbolic link out of
 * the point is refused) and the file's attributes (size, modification time, file key); an entry
 * whose attributes are unchanged keeps its bytes, a changed one is read again, a file that is gone
 * or now leads out of the point is dropped (404). So a changed, deleted or replaced file is seen
 * within that interval (1 s by default, as nginx's {@code open_file_cache_valid} is a similar
 * bound); in between, a small file is served as the consistent snapshot (bytes and validators) that
 * was read, never bytes from anywhere else. A large file is opened again for every request, by its
 * real path and with {@link LinkOption#NOFOLLOW_LINKS}, so a file swapped for a link in between is
 * refused, not followed, and its attributes are read again from the open file.
 *
 * <p>Polling rather than a {@code WatchService}: on Linux the JDK's watcher takes one inotify watch
 * per folder (not recursive), misses changes under links and on network file systems, and overflows
 * under bursts; a per-entry deadline on the injected clock is exact, bounded and testable with the
 * fake clock.
 *
 * <p><b>Bounds.</b> Files up to {@link #maxFileBytes} are kept in memory, in direct buffers that
 * each response sends as a read-only duplicate (no reference counting: an evicted buffer is freed
 * by the garbage collector once the last response using it is written). Entries are weighed by
 * their bytes plus a fixed overhead and evicted least recently checked past {@link #maxBytes}: an
 * entry in use is checked again, and so moves to the young end, at least every {@link
 * #revalidateAfter}, so this is least recently used at that granularity. A hit takes no lock and
 * changes nothing: every event loop looks up the same hot files, and a lock on each look-up (an
 * access-ordered map is written by every read) was a point where the loops waited for each other.
 * Refusals are not remembered (a flood of missing names cannot fill the cache).
 *
 * <p>Thread-safe; the file-system calls run on the caller's thread (an event loop), as before.
 */
public final class FileCache {
  /** How long an entry is used before it is checked again against the file system. */
  public static final Duration DEFAULT_REVALIDATE_AFTER = Duration.ofSeconds(1);

  /** Files up to this size are served from memory. */
  public static final int DEFAULT_MAX_FILE_BYTES = 64 * 1024;

  /** The most the cache holds, bytes of content plus {@link #ENTRY_OVERHEAD} per entry. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  /** What an entry weighs besides its content: its key, path, strings and map node. */
  static final int ENTRY_OVERHEAD = 512;

  private final HostClock clock;
  private final long revalidateNanos;
  private final int maxFileBytes;
  private final long maxBytes;

  /** What the look-ups read, without a lock. */
  private final ConcurrentHashMap<Key, File> entries = new ConcurrentHashMap<>();

  /** The same entries, oldest put first, for eviction; guarded by this, as {@link #weight}. */
  private final LinkedHashMap<Key, File> byAge = new LinkedHashMap<>();

  private long weight;

  /** A cache with the defaults. */
  public FileCache(HostClock clock) {
    this(clock, DEFAULT_REVALIDATE_AFTER, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_BYTES);
  }

  /**
   * @param clock the host's clock: entries are checked again {@code revalidateAfter} after they
   *     were last checked, on its monotonic reading
   * @param revalidateAfter how long an entry is used without looking at the file system; zero
   *     checks on every request (the bytes of an unchanged small file are still reused)
   * @param maxFileBytes files up to this size are served from memory; 0 serves none from memory
   * @param maxBytes the bound on what the cache holds
   */
  public FileCache(HostClock clock, Duration revalidateAfter, int maxFileBytes, long maxBytes) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (revalidateAfter.isNegative() || maxFileBytes < 0 || maxBytes < 0) {
      throw new IllegalArgumentException("negative bound");
    }
    this.revalidateNanos = revalidateAfter.toNanos();
    this.maxFileBytes = maxFileBytes;
    this.maxBytes = maxBytes;
  }

  /** How long an entry is used before it is checked again. */
  public Duration revalidateAfter() {
    return Duration.ofNanos(revalidateNanos);
  }

  /** The largest file served from memory. */
  public int maxFileBytes() {
    return maxFileBytes;
  }

  /** The bound on the cache's weight. */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * The outcome of {@link #check}: a file or a refusal, as {@link SafePath.Result}.
   *
   * @param file what was found, or null when refused
   * @param refusal why it was refused, or null when found
   * @param detail a short explanation for the log (never for the client)
   */
  public record Lookup(File file, SafePath.Refusal refusal, String detail) {
    /** True when a file (or folder) was found under the point. */
    public boolean allowed() {
      return file != null;
    }
  }

  /**
   * A file (or folder) under a publishing point as last checked: its real path, attributes, the
   * validators made from them and, for a small regular file, its bytes.
   */
  public static final class File {
    private final Path path;
    private final boolean regular;
    private final long size;
    private final long modifiedMillis;
    private final long modifiedMicros;
    private final Object fileKey;
    private final ByteBuf content;
    private final String contentType;
    private final String etag;
    private final String lastModified;
    final long checkedAt;

    File(Path path, BasicFileAttributes attributes, ByteBuf content, long checkedAt) {
      this.path = path;
      this.regular = attributes.isRegularFile();
      this.size = attributes.size();
      this.modifiedMillis = attributes.lastModifiedTime().toMillis();
      this.modifiedMicros = attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS);
      this.fileKey = attributes.fileKey();
      this.content = content;
      this.contentType = MediaTypes.of(path);
      this.etag = FileResponder.etag(size, modifiedMicros);
      this.lastModified = FileResponder.lastModified(modifiedMillis);
      this.checkedAt = checkedAt;
    }

    private File(File same, long checkedAt) {
      this.path = same.path;
      this.regular = same.regular;
      this.size = same.size;
      this.modifiedMillis = same.modifiedMillis;
      this.modifiedMicros = same.modifiedMicros;
      this.fileKey = same.fileKey;
      this.content = same.content;
      this.contentType = same.contentType;
      this.etag = same.etag;
      this.lastModified = same.lastModified;
      this.checkedAt = checkedAt;
    }

    /** The real path, under the point's real root. */
    public Path path() {
      return path;
    }

    /** Whether it is a regular file (a folder or anything else is answered 404). */
    public boolean regular() {
      return regular;
    }

    public long size() {
      return size;
    }

    public long modifiedMillis() {
      return modifiedMillis;
    }

    /** Its strong entity tag (size and modification time). */
    String etag() {
      return etag;
    }

    /** Its {@code Last-Modified} value. */
    String lastModified() {
      return lastModified;
    }

    String contentType() {
      return contentType;
    }

    /** Whether its bytes are in memory. */
    public boolean inMemory() {
      return content != null;
    }

    /**
     * The bytes, or a part of them, as a buffer of their own for one response (shares the memory;
     * nothing to release).
     */
    ByteBuf slice(long start, long count) {
      return content.slice((int) start, (int) count);
    }

    boolean sameAs(Path otherPath, BasicFileAttributes a) {
      return path.equals(otherPath)
          && regular == a.isRegularFile()
          && size == a.size()
          && modifiedMicros == a.lastModifiedTime().to(TimeUnit.MICROSECONDS)
          && Objects.equals(fileKey, a.fileKey());
    }

    int weight() {
      return ENTRY_OVERHEAD + (content == null ? 0 : content.capacity());
    }
  }

  private record Key(Path root, String raw) {}

  /**
   * What {@code rawPathAfterPrefix} names under {@code root}: the same answer as {@link
   * SafePath#check}, from memory when it was checked less than {@link #revalidateAfter} ago.
   */
  public Lookup check(Path root, String rawPathAfterPrefix) {
    Key key = new Key(root, rawPathAfterPrefix);
    long now = clock.nanoTime();
    File cached = entries.get(key);
    if (cached != null && now - cached.checkedAt < revalidateNanos) {
      return new Lookup(cached, null, "ok");
    }
    SafePath.Result resolved = SafePath.check(root, rawPathAfterPrefix);
    if (!resolved.allowed()) {
      remove(key);
      return new Lookup(null, resolved.refusal(), resolved.detail());
    }
    Path real = resolved.path();
    File fresh;
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (cached != null && cached.sameAs(real, attributes)) {
        fresh = new File(cached, now);
      } else {
        fresh = new File(real, attributes, read(real, attributes), now);
      }
    } catch (IOException e) {
      // Gone (or swapped) since SafePath looked: as if SafePath had not found it.
      remove(key);
      return new Lookup(null, SafePath.Refusal.NOT_FOUND, "changed while resolving: " + e);
    }
    put(key, fresh);
    return new Lookup(fresh, null, "ok");
  }

  /** Forgets what is known of a request path, e.g. when opening its file failed. */
  public void invalidate(Path root, String rawPathAfterPrefix) {
    remove(new Key(root, rawPathAfterPrefix));
  }

  /** Forgets everything. */
  public synchronized void clear() {
    entries.clear();
    byAge.clear();
    weight = 0;
  }

  /** How many entries it holds (for tests). */
  synchronized int size() {
    return byAge.size();
  }

  /** What it weighs (for tests). */
  synchronized long weight() {
    return weight;
  }

  /**
   * The bytes of a small regular file, or null (too large, or it changed while being read: then it
   * is served from the file).
   */
  private ByteBuf read(Path real, BasicFileAttributes attributes) throws IOException {
    if (!attributes.isRegularFile() || attributes.size() > maxFileBytes) {
      return null;
    }
    int size = (int) attributes.size();
    ByteBuffer bytes = ByteBuffer.allocateDirect(Math.max(size, 1));
    bytes.limit(size);
    FileChannel channel;
    try {
      channel = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (AccessDeniedException e) {
      // Not readable by the host: served from the file, which answers 403.
      return null;
    }
    try (channel) {
      while (bytes.hasRemaining()) {
        if (channel.read(bytes) < 0) {
          return null;
        }
      }
      // Grew while being read, or replaced: not a snapshot of the attributes.
      if (channel.size() != size) {
        return null;
      }
    }
    bytes.flip();
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
  }

  private synchronized void put(Key key, File file) {
    File old = byAge.remove(key); // and put again: to the young end
    if (old != null) {
      weight -= old.weight();
    }
    byAge.put(key, file);
    entries.put(key, file);
    weight += file.weight();
    Iterator<Map.Entry<Key, File>> eldest = byAge.entrySet().iterator();
    while (weight > maxBytes && eldest.hasNext()) {
      Map.Entry<Key, File> e = eldest.next();
      weight -= e.getValue().weight();
      entries.remove(e.getKey());
      eldest.remove();
    }
  }

  private synchronized void remove(Key key) {
    entries.remove(key);
    File old = byAge.remove(key);
    if (old != null) {
      weight -= old.weight();
    }
  }
}
