package org.authhost.host.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The path and query of a request target in origin form ({@code /a/b?c}) or absolute form, and the
 * one canonical form of a path that publishing points are matched against. Matching the raw path
 * would let {@code /vod/%70remium/} or {@code /vod//premium/} slip past a {@code /vod/premium/}
 * point's own plug-ins, so every path is decoded once, and any form that two points could read
 * differently (encoded slashes, empty, dot segments) is refused outright.
 */
public final class RequestTarget {
  private RequestTarget() {}

  /** The raw (still percent-encoded) path, or null for a target that has none. */
  public static String path(String target) {
    String t = target;
    if (!t.startsWith("/")) {
      int scheme = t.indexOf("://");
      if (scheme <= 0 || !(t.regionMatches(true, 0, "http", 0, 4))) {
        return null;
      }
      // The authority ends at the first '/', '?' or '#': a '/' in the query is not the path's.
      int end = t.length();
      for (char stop : new char[] {'/', '?', '#'}) {
        int at = t.indexOf(stop, scheme + 3);
        if (at >= 0 && at < end) {
          end = at;
        }
      }
      t = end == t.length() || t.charAt(end) != '/' ? "/" + t.substring(end) : t.substring(end);
    }
    int end = t.length();
    int q = t.indexOf('?');
    int h = t.indexOf('#');
    if (q >= 0) {
      end = q;
    }
    if (h >= 0 && h < end) {
      end = h;
    }
    return t.substring(0, end);
  }

  /** The raw query, or null. */
  public static String query(String target) {
    int q = target.indexOf('?');
    if (q < 0) {
      return null;
    }
    int h = target.indexOf('#', q);
    return h < 0 ? target.substring(q + 1) : target.substring(q + 1, h);
  }

  /**
   * The decoded path, or null when it is not canonical: malformed or non-UTF-8 escapes, an encoded
   * {@code /} or {@code \}, a backslash, a control character, an empty segment ({@code //}) or a
   * {@code .} / {@code ..} segment.
   */
  public static String canonical(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return null;
    }
    if (rawPath.indexOf('%') < 0) {
      // Nothing escaped (nearly every request): printable ASCII is its own decoded form, so the
      // path needs no copy, only the checks below.
      for (int i = 0; i < rawPath.length(); i++) {
        char c = rawPath.charAt(i);
        if (c > 0x7e || c < 0x21 || c == '\\') {
          return null;
        }
      }
      return segmentsAllowed(rawPath) ? rawPath : null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        if (i + 2 >= rawPath.length()) {
          return null;
        }
        int hi = Character.digit(rawPath.charAt(i + 1), 16);
        int lo = Character.digit(rawPath.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        int b = hi * 16 + lo;
        if (b == '/' || b == '\\') {
          return null;
        }
        bytes.write(b);
        i += 2;
      } else if (c > 0x7e || c < 0x21 || c == '\\') {
        return null;
      } else {
        bytes.write(c);
      }
    }
    String decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    if (decoded.chars().anyMatch(Character::isISOControl)) {
      return null;
    }
    return segmentsAllowed(decoded) ? decoded : null;
  }

  /**
   * Whether no segment of {@code path} (after its leading {@code /}) is {@code .} or {@code ..},
   * and none but the last is empty.
   */
  private static boolean segmentsAllowed(String path) {
    int start = 1;
    while (true) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      int length = end - start;
      if ((length == 0 && slash >= 0)
          || (length == 1 && path.charAt(start) == '.')
          || (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      start = slash + 1;
    }
  }

  /**
   * Percent-encodes a decoded path for the wire: everything but RFC 3986 unreserved and {@code /}.
   */
  static String encode(String decodedPath) {
    StringBuilder out = new StringBuilder(decodedPath.length() + 16);
    for (byte b : decodedPath.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~'
          || c == '/') {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
