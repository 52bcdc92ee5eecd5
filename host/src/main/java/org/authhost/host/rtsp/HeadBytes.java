package org.authhost.host.rtsp;

/**
 * The syntax of an RTSP message's head, checked on a copy of the message's bytes in an array. Read
 * in place from a pooled slice of the connection's buffer, every byte cost a bounds and a liveness
 * check ({@code getByte}), and every range a call of a shared byte processor that the JIT could not
 * inline ({@code forEachByte}): a tenth of the event loops' Java time per relayed session. One copy
 * of a message of a few hundred bytes is far less.
 */
final class HeadBytes {
  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (int b = '!'; b < 0x7f; b++) {
      TCHAR[b] = "\"(),/:;<=>?@[\\]{}".indexOf(b) < 0;
    }
  }

  private HeadBytes() {}

  /** The index of the first {@code value} in {@code [from, to)}, or -1. */
  static int indexOf(byte[] bytes, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The end of the line from {@code from} whose LF is at {@code eol} (before its CR), or -1 for a
   * bare LF: Netty's decoder refuses one (its InvalidLineSeparatorException), and so does the
   * relay, both ways.
   */
  static int lineEnd(byte[] bytes, int from, int eol) {
    return eol > from && bytes[eol - 1] == '\r' ? eol - 1 : -1;
  }

  /**
   * Whether {@code [from, to)} is a line's text: no control character but a tab (no NUL, no CR a
   * client could take for a line end), as RFC 9110 allows in a field value; bytes above 0x7F pass.
   */
  static boolean isText(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = bytes[i] & 0xff;
      if ((b < 0x20 && b != '\t') || b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code [from, to)} is a non-empty token (RFC 9110 {@code tchar}s). */
  static boolean isToken(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!TCHAR[bytes[i] & 0xff]) {
        return false;
      }
    }
    return from < to;
  }

  /** Whether {@code [from, to)} is {@code lowerName} in any case (ASCII). */
  static boolean isName(byte[] bytes, int from, int to, String lowerName) {
    if (to - from != lowerName.length()) {
      return false;
    }
    for (int k = 0; k < lowerName.length(); k++) {
      int b = bytes[from + k];
      if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lowerName.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}
