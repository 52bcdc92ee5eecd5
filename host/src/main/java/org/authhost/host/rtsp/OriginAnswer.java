package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One answer of the origin, read in place from the bytes {@link RtspFramer} handed on (its head and
 * its body): the status and where each header is, each classed by what the relay does with it. Only
 * what the relay reads (the challenges, {@code Session}, {@code Content-Type}, the URL headers)
 * becomes a String; the rest goes to the client byte for byte ({@link RelayedAnswer}). Decoding
 * every answer into Netty's {@code FullHttpResponse} and encoding it again was a fifth of the event
 * loops' Java time per relayed request. An answer whose status line, a header name or any byte of
 * its head is not RTSP's (a control character, a bare CR) is not read: the origin is broken for the
 * relay, as it was when Netty's decoder failed on it.
 */
final class OriginAnswer {
  /** What the relay does with a header. */
  enum Kind {
    /** Copied as it came. */
    COPIED,
    /** Not the client's: one hop's framing, the origin's CSeq (the relay sets the client's). */
    DROPPED,
    /** The origin's length: the framer's, so one at most; the relay sets the client's. */
    LENGTH,
    /** The origin's challenge: for AuthHost's origin credentials, never the client's. */
    CHALLENGE,
    /** May hold the origin's absolute URLs: rewritten to the client-facing ones. */
    URL,
    /** Copied; read to bind a SETUP's session. */
    SESSION,
    /** Copied; read to find an SDP body. */
    CONTENT_TYPE
  }

  private static final String[] NAMES = {
    "www-authenticate",
    "transfer-encoding",
    "connection",
    "expect",
    "upgrade",
    "cseq",
    "content-length",
    "content-base",
    "content-location",
    "rtp-info",
    "location",
    "session",
    "content-type"
  };
  private static final Kind[] KINDS = {
    Kind.CHALLENGE,
    Kind.DROPPED,
    Kind.DROPPED,
    Kind.DROPPED,
    Kind.DROPPED,
    Kind.DROPPED,
    Kind.LENGTH,
    Kind.URL,
    Kind.URL,
    Kind.URL,
    Kind.URL,
    Kind.SESSION,
    Kind.CONTENT_TYPE
  };

  /**
   * Goes on over a line's text (see {@link #isText}). The checks below go over a message's bytes
   * with one bounds check per range ({@code forEachByte}), not one per byte ({@code getByte}): per
   * byte, it was a tenth of the event loops' Java time per relayed request.
   */
  private static final ByteProcessor TEXT = b -> ((b & 0xff) >= 0x20 || b == '\t') && b != 0x7f;

  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (int b = '!'; b < 0x7f; b++) {
      TCHAR[b] = "\"(),/:;<=>?@[\\]{}".indexOf(b) < 0;
    }
  }

  /** Goes on over a token's characters. */
  private static final ByteProcessor TOKEN = b -> TCHAR[b & 0xff];

  /** The status line's longest: Netty's decoder took 8,192 bytes for the origin's first line. */
  static final int MAX_STATUS_LINE = 8192;

  private static final int FIELDS = 4;

  final ByteBuf message;
  final int status;

  /** The status line from its code on, to the end of its reason phrase. */
  final int statusFrom;

  final int statusTo;

  private int bodyFrom;

  /** Per header: the line's start, the name's end, the value's start, the end of its last line. */
  private int[] headers = new int[FIELDS * 16];

  private Kind[] kinds = new Kind[16];
  private int count;

  private OriginAnswer(ByteBuf message, int status, int statusFrom, int statusTo) {
    this.message = message;
    this.status = status;
    this.statusFrom = statusFrom;
    this.statusTo = statusTo;
  }

  /**
   * Whether {@code message} is an answer ({@code RTSP/} first): anything else the origin sends (a
   * server-to-client ANNOUNCE or GET_PARAMETER) is not relayed.
   */
  static boolean isAnswer(ByteBuf message) {
    int i = message.readerIndex();
    return message.readableBytes() >= 5
        && message.getByte(i) == 'R'
        && message.getByte(i + 1) == 'T'
        && message.getByte(i + 2) == 'S'
        && message.getByte(i + 3) == 'P'
        && message.getByte(i + 4) == '/';
  }

  /** The answer in {@code message} (one whole message), or null when it is not one RTSP reads. */
  static OriginAnswer read(ByteBuf message) {
    int end = message.writerIndex();
    int start = message.readerIndex();
    int eol = message.indexOf(start, end, (byte) '\n');
    if (eol < 0) {
      return null;
    }
    int lineEnd = lineEnd(message, start, eol);
    // RTSP/d.d SP 3DIGIT [SP reason]
    int code = start + 9;
    if (lineEnd < 0
        || lineEnd - start > MAX_STATUS_LINE
        || lineEnd < code + 3
        || !isDigit(message.getByte(start + 5))
        || message.getByte(start + 6) != '.'
        || !isDigit(message.getByte(start + 7))
        || message.getByte(start + 8) != ' '
        || !isDigit(message.getByte(code))
        || !isDigit(message.getByte(code + 1))
        || !isDigit(message.getByte(code + 2))
        || (lineEnd > code + 3 && message.getByte(code + 3) != ' ')
        || !isText(message, code, lineEnd)) {
      return null;
    }
    int status =
        (message.getByte(code) - '0') * 100
            + (message.getByte(code + 1) - '0') * 10
            + (message.getByte(code + 2) - '0');
    OriginAnswer answer = new OriginAnswer(message, status, code, lineEnd);
    int pos = eol + 1;
    while (pos < end) {
      eol = message.indexOf(pos, end, (byte) '\n');
      if (eol < 0) {
        break;
      }
      lineEnd = lineEnd(message, pos, eol);
      if (lineEnd < 0) {
        return null;
      }
      if (lineEnd == pos) {
        answer.bodyFrom = eol + 1;
        return answer;
      }
      if (!isText(message, pos, lineEnd) || !answer.header(pos, lineEnd)) {
        return null;
      }
      pos = eol + 1;
    }
    return null; // the framer hands on whole messages: a head without its end is not one
  }

  /** Notes the header line {@code [from, to)}; false when it is not one. */
  private boolean header(int from, int to) {
    byte first = message.getByte(from);
    if (first == ' ' || first == '\t') {
      // A folded line continues the header before it (obsolete, but RTSP/1.0 allows it).
      if (count == 0) {
        return false;
      }
      headers[FIELDS * (count - 1) + 3] = to;
      return true;
    }
    int colon = message.indexOf(from, to, (byte) ':');
    if (colon < 0) {
      return false;
    }
    int nameEnd = colon;
    while (nameEnd > from && isBlank(message.getByte(nameEnd - 1))) {
      nameEnd--;
    }
    if (!isToken(message, from, nameEnd)) {
      return false;
    }
    if (count == kinds.length) {
      kinds = Arrays.copyOf(kinds, count * 2);
      headers = Arrays.copyOf(headers, FIELDS * count * 2);
    }
    int at = FIELDS * count;
    headers[at] = from;
    headers[at + 1] = nameEnd;
    headers[at + 2] = colon + 1;
    headers[at + 3] = to;
    Kind kind = kind(message, from, nameEnd);
    if (kind == Kind.LENGTH && first(Kind.LENGTH) != null) {
      return false; // two lengths, which Netty's decoder refused too: the framer read the first
    }
    kinds[count++] = kind;
    return true;
  }

  int count() {
    return count;
  }

  Kind kind(int header) {
    return kinds[header];
  }

  /** Where header {@code header}'s first line starts. */
  int from(int header) {
    return headers[FIELDS * header];
  }

  /** Header {@code header}'s name as it came. */
  String name(int header) {
    int from = headers[FIELDS * header];
    return message.toString(from, headers[FIELDS * header + 1] - from, StandardCharsets.ISO_8859_1);
  }

  /** Where header {@code header}'s last line ends (before its line end). */
  int to(int header) {
    return headers[FIELDS * header + 3];
  }

  /** Header {@code header}'s value: blanks around it taken off, folded lines joined by a space. */
  String value(int header) {
    int from = headers[FIELDS * header + 2];
    int to = headers[FIELDS * header + 3];
    int eol = message.indexOf(from, to, (byte) '\n');
    if (eol < 0) {
      return trimmed(from, to);
    }
    StringBuilder joined = new StringBuilder(to - from);
    while (true) {
      String part = trimmed(from, eol < 0 ? to : lineEnd(message, from, eol));
      if (!part.isEmpty()) {
        if (joined.length() > 0) {
          joined.append(' ');
        }
        joined.append(part);
      }
      if (eol < 0) {
        return joined.toString();
      }
      from = eol + 1;
      eol = message.indexOf(from, to, (byte) '\n');
    }
  }

  /** The first value of a header of {@code kind}, or null. */
  String first(Kind kind) {
    for (int h = 0; h < count; h++) {
      if (kinds[h] == kind) {
        return value(h);
      }
    }
    return null;
  }

  /** Every value of the headers of {@code kind}, in order. */
  List<String> all(Kind kind) {
    List<String> values = new ArrayList<>();
    for (int h = 0; h < count; h++) {
      if (kinds[h] == kind) {
        values.add(value(h));
      }
    }
    return values;
  }

  /** Where the body starts; it ends with the message. */
  int bodyFrom() {
    return bodyFrom;
  }

  private String trimmed(int from, int to) {
    while (from < to && isBlank(message.getByte(from))) {
      from++;
    }
    while (to > from && isBlank(message.getByte(to - 1))) {
      to--;
    }
    return message.toString(from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static Kind kind(ByteBuf message, int from, int to) {
    for (int k = 0; k < NAMES.length; k++) {
      if (isName(message, from, to, NAMES[k])) {
        return KINDS[k];
      }
    }
    return Kind.COPIED;
  }

  private static boolean isName(ByteBuf message, int from, int to, String lowerName) {
    if (to - from != lowerName.length()) {
      return false;
    }
    for (int k = 0; k < lowerName.length(); k++) {
      int b = message.getByte(from + k);
      if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lowerName.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The end of the line from {@code from} whose LF is at {@code eol} (before its CR), or -1 for a
   * bare LF: Netty's decoder refuses one (its InvalidLineSeparatorException), and so does the
   * relay, both ways.
   */
  static int lineEnd(ByteBuf message, int from, int eol) {
    return eol > from && message.getByte(eol - 1) == '\r' ? eol - 1 : -1;
  }

  /**
   * Whether {@code [from, to)} is a line's text: no control character but a tab (no NUL, no CR a
   * client could take for a line end), as RFC 9110 allows in a field value; bytes above 0x7F pass.
   */
  static boolean isText(ByteBuf message, int from, int to) {
    return from >= to || message.forEachByte(from, to - from, TEXT) < 0;
  }

  /** Whether {@code [from, to)} is a non-empty token (RFC 9110 {@code tchar}s). */
  static boolean isToken(ByteBuf message, int from, int to) {
    return from < to && message.forEachByte(from, to - from, TOKEN) < 0;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }
}
