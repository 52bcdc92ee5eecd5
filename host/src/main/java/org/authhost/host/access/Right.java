package org.authhost.host.access;

import java.util.Locale;

/**
 * What a publishing point ACL grants. WMS Publishing Points ACL rights: Read (open, play, seek),
 * Write, and Create (with Write, for creating publishing points).
 */
public enum Right {
  READ,
  WRITE,
  CREATE;

  static Right parse(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** The right an HTTP method needs: reading for GET, HEAD and OPTIONS, writing for the rest. */
  public static Right forMethod(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS" -> READ;
      default -> WRITE;
    };
  }
}
