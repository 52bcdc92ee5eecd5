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

  /**
   * The right an RTSP method needs: reading to look and play (OPTIONS, DESCRIBE, SETUP, PLAY,
   * PAUSE, GET_PARAMETER, TEARDOWN), writing for the rest (ANNOUNCE and RECORD publish, and
   * SET_PARAMETER changes the origin's state).
   */
  public static Right forRtspMethod(String method) {
    return switch (method) {
      case "OPTIONS", "DESCRIBE", "SETUP", "PLAY", "PAUSE", "GET_PARAMETER", "TEARDOWN" -> READ;
      default -> WRITE;
    };
  }
}
