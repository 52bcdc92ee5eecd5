package org.authhost.host.http;

/** The path and query of a request target in origin form ({@code /a/b?c}) or absolute form. */
final class RequestTarget {
  private RequestTarget() {}

  /** The raw (still percent-encoded) path, or null for a target that has none. */
  static String path(String target) {
    String t = target;
    if (!t.startsWith("/")) {
      int scheme = t.indexOf("://");
      if (scheme <= 0 || !(t.regionMatches(true, 0, "http", 0, 4))) {
        return null;
      }
      int slash = t.indexOf('/', scheme + 3);
      t = slash < 0 ? "/" : t.substring(slash);
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
  static String query(String target) {
    int q = target.indexOf('?');
    if (q < 0) {
      return null;
    }
    int h = target.indexOf('#', q);
    return h < 0 ? target.substring(q + 1) : target.substring(q + 1, h);
  }
}
