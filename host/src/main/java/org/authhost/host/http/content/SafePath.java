package org.authhost.host.http.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps the path of a request, as it came off the wire, to a file under a publishing point's folder
 * without ever leaving that folder.
 *
 * <p>The raw path is checked before anything touches the file system, strictly:
 *
 * <ul>
 *   <li>only printable ASCII on the wire (anything else must be percent-encoded); no {@code ?} or
 *       {@code #} (the caller strips the query);
 *   <li>percent-escapes are two hex digits and decode, together, as strict UTF-8 (no overlong forms
 *       such as {@code %c0%ae}, no surrogates, nothing truncated);
 *   <li>no encoded slash ({@code %2f}) anywhere, no backslash (raw or {@code %5c});
 *   <li>no NUL or other control character (C0, DEL, C1) after decoding;
 *   <li>no {@code .} or {@code ..} segment, whether written plainly or encoded ({@code %2e%2e});
 *   <li>no empty segment ({@code a//b}), except that a trailing slash is allowed (it names a
 *       folder: after a file's name it is refused as not found) and one leading slash is ignored.
 * </ul>
 *
 * <p>The segments are then resolved against the root and normalised, and the result must still lie
 * under the root. Finally symbolic links are resolved ({@link Path#toRealPath}) and the real path
 * must lie under the root's real path: a link that points inside the root is followed, one that
 * points out is refused. The file must exist for that last step, so a missing file is also a
 * refusal ({@link Refusal#NOT_FOUND}).
 *
 * <p>The path returned is the real path. A link swapped in between this check and the open is
 * outside what a path check can prevent; publishing folders should not be writable by untrusted
 * parties.
 */
public final class SafePath {

  /** Why a path was refused. */
  public enum Refusal {
    /** Not a well-formed request path: bad escape, invalid UTF-8, raw non-ASCII, '?' or '#'. */
    MALFORMED(400),
    /** A control character (NUL included) after decoding. */
    CONTROL_CHARACTER(400),
    /** A backslash or an encoded slash. */
    SEPARATOR(400),
    /** A {@code .} or {@code ..} segment, or an empty segment. */
    DOT_SEGMENT(404),
    /** The normalised path would leave the root. */
    OUTSIDE_ROOT(404),
    /** A symbolic link on the way points outside the root. */
    LINK_OUTSIDE_ROOT(404),
    /** Nothing there (or a name the file system cannot represent). */
    NOT_FOUND(404),
    /** The file system failed while resolving (including an unreadable root). */
    IO_ERROR(404);

    private final int status;

    Refusal(int status) {
      this.status = status;
    }

    /**
     * The status a server may answer with: 400 for a malformed request, 404 for everything that
     * would otherwise reveal what is (or is not) outside the root.
     */
    public int status() {
      return status;
    }
  }

  /**
   * The outcome of {@link #check}: either a path (the real path of the file, under the root's real
   * path) or a refusal with a detail for the log.
   *
   * @param path the resolved real path, or null when refused
   * @param refusal why it was refused, or null when allowed
   * @param detail a short human-readable explanation for the log (never for the client)
   */
  public record Result(Path path, Refusal refusal, String detail) {
    public Result {
      if ((path == null) == (refusal == null)) {
        throw new IllegalArgumentException("exactly one of path and refusal");
      }
    }

    /** True when the path is allowed. */
    public boolean allowed() {
      return path != null;
    }

    /** The path, if allowed. */
    public Optional<Path> toOptional() {
      return Optional.ofNullable(path);
    }

    static Result ok(Path path) {
      return new Result(path, null, "ok");
    }

    static Result refused(Refusal refusal, String detail) {
      return new Result(null, refusal, detail);
    }
  }

  private SafePath() {}

  /**
   * The file a request path names under {@code root}, or empty for every refusal.
   *
   * @param root the publishing point's folder
   * @param rawPathAfterPrefix the request path after the prefix, percent-encoded as on the wire,
   *     without the query, e.g. {@code clips/intro%20v2.mp4}
   */
  public static Optional<Path> resolve(Path root, String rawPathAfterPrefix) {
    return check(root, rawPathAfterPrefix).toOptional();
  }

  /**
   * The refusal for a request path, or null when {@link #resolve} would return a path. A
   * convenience for logging; {@link #check} gives both at once.
   */
  public static Refusal why(Path root, String rawPathAfterPrefix) {
    return check(root, rawPathAfterPrefix).refusal();
  }

  /** Like {@link #resolve}, with the reason when refused. */
  public static Result check(Path root, String rawPathAfterPrefix) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(rawPathAfterPrefix, "rawPathAfterPrefix");
    String raw =
        rawPathAfterPrefix.startsWith("/") ? rawPathAfterPrefix.substring(1) : rawPathAfterPrefix;

    List<String> segments = new ArrayList<>();
    // A trailing slash names a folder: "file.txt/" is not the file (POSIX: ENOTDIR), though the
    // segments alone would resolve to it.
    boolean folder = raw.endsWith("/");
    int start = 0;
    while (true) {
      int slash = raw.indexOf('/', start);
      String rawSegment = slash < 0 ? raw.substring(start) : raw.substring(start, slash);
      boolean last = slash < 0;
      if (rawSegment.isEmpty()) {
        // Allowed: the empty path (the root itself) and a trailing slash.
        boolean trailing = last && start > 0;
        boolean whole = last && start == 0;
        if (!trailing && !whole) {
          return Result.refused(Refusal.DOT_SEGMENT, "empty path segment");
        }
      } else {
        String segment;
        try {
          segment = decodeSegment(rawSegment);
        } catch (Refused e) {
          return e.result;
        }
        if (segment.equals(".") || segment.equals("..")) {
          return Result.refused(Refusal.DOT_SEGMENT, "'" + segment + "' segment");
        }
        segments.add(segment);
      }
      if (last) {
        break;
      }
      start = slash + 1;
    }

    Path absRoot = root.toAbsolutePath().normalize();
    Path candidate;
    try {
      candidate = absRoot;
      for (String segment : segments) {
        candidate = candidate.resolve(segment);
      }
    } catch (InvalidPathException e) {
      return Result.refused(Refusal.NOT_FOUND, "not a valid file name here: " + e.getReason());
    }
    candidate = candidate.normalize();
    if (!candidate.startsWith(absRoot)) {
      return Result.refused(Refusal.OUTSIDE_ROOT, "resolves outside the root");
    }

    Path realRoot;
    try {
      realRoot = absRoot.toRealPath();
    } catch (IOException e) {
      return Result.refused(Refusal.IO_ERROR, "root not accessible: " + e);
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (AccessDeniedException e) {
      return Result.refused(Refusal.IO_ERROR, "access denied while resolving: " + e.getMessage());
    } catch (NoSuchFileException e) {
      return Result.refused(Refusal.NOT_FOUND, "no such file");
    } catch (IOException e) {
      // ENOTDIR (a file used as a folder), ELOOP (a link loop) and the like.
      return Result.refused(Refusal.NOT_FOUND, "cannot resolve: " + e);
    }
    if (!real.startsWith(realRoot)) {
      return Result.refused(Refusal.LINK_OUTSIDE_ROOT, "a symbolic link points outside the root");
    }
    if (folder && !Files.isDirectory(real)) {
      return Result.refused(Refusal.NOT_FOUND, "a trailing slash after a file name");
    }
    return Result.ok(real);
  }

  /** A refusal found while decoding; no stack trace, it is not an error. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Result result;

    Refused(Refusal refusal, String detail) {
      super(detail, null, false, false);
      this.result = Result.refused(refusal, detail);
    }
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Percent-decodes one segment as strict UTF-8 and checks its characters. */
  private static String decodeSegment(String raw) throws Refused {
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new Refused(Refusal.MALFORMED, "truncated percent-escape");
        }
        int hi = hex(raw.charAt(i + 1));
        int lo = hex(raw.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          throw new Refused(Refusal.MALFORMED, "bad percent-escape");
        }
        int b = (hi << 4) | lo;
        if (b == '/') {
          throw new Refused(Refusal.SEPARATOR, "encoded slash");
        }
        bytes[n++] = (byte) b;
        i += 2;
      } else if (c < 0x20 || c == 0x7f) {
        throw new Refused(Refusal.CONTROL_CHARACTER, "raw control character");
      } else if (c > 0x7e) {
        throw new Refused(Refusal.MALFORMED, "raw non-ASCII character (must be percent-encoded)");
      } else if (c == '?' || c == '#') {
        throw new Refused(Refusal.MALFORMED, "raw '" + c + "' in the path");
      } else {
        bytes[n++] = (byte) c;
      }
    }
    String decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, n))
              .toString();
    } catch (CharacterCodingException e) {
      throw new Refused(Refusal.MALFORMED, "percent-escapes are not valid UTF-8");
    }
    CharBuffer chars = CharBuffer.wrap(decoded);
    while (chars.hasRemaining()) {
      char c = chars.get();
      if (Character.isISOControl(c)) {
        throw new Refused(
            Refusal.CONTROL_CHARACTER, "control character U+" + String.format("%04X", (int) c));
      }
      if (c == '\\') {
        throw new Refused(Refusal.SEPARATOR, "backslash");
      }
      if (c == '/') {
        throw new Refused(Refusal.SEPARATOR, "encoded slash");
      }
    }
    return decoded;
  }
}
