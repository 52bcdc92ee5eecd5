package org.authhost.host.rtsp;

import static org.authhost.host.rtsp.HeadBytes.indexOf;
import static org.authhost.host.rtsp.HeadBytes.isBlank;
import static org.authhost.host.rtsp.HeadBytes.isDigit;
import static org.authhost.host.rtsp.HeadBytes.lineEnd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One answer of the origin, read from a copy of the bytes {@link RtspFramer} handed on (its head
 * and its body, one array: {@link HeadBytes}): the status and where each header is, each classed by
 * what the relay does with it. Only what the relay reads (the challenges, {@code Session}, {@code
 * Content-Type}, the URL headers) becomes a String; the rest goes to the client byte for byte
 * ({@link RelayedAnswer}). Decoding every answer into Netty's {@code FullHttpResponse} and encoding
 * it again was a fifth of the event loops' Java time per relayed request. An answer whose status
 * line, a header name or any byte of its head is not RTSP's (a control character, a bare CR) is not
 * read: the origin is broken for the relay, as it was when Netty's decoder failed on it.
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

  /** The status line's longest: Netty's decoder took 8,192 bytes for the origin's first line. */
  static final int MAX_STATUS_LINE = 8192;

  private static final int FIELDS = 4;

  /** The whole message: head and body. */
  final byte[] bytes;

  final int status;

  /** The status line from its code on, to the end of its reason phrase. */
  final int statusFrom;

  final int statusTo;

  private int bodyFrom;

  /** Per header: the line's start, the name's end, the value's start, the end of its last line. */
  private int[] headers = new int[FIELDS * 16];

  private Kind[] kinds = new Kind[16];
  private int count;

  private OriginAnswer(byte[] bytes, int status, int statusFrom, int statusTo) {
    this.bytes = bytes;
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
    return read(ByteBufUtil.getBytes(message));
  }

  private static OriginAnswer read(byte[] message) {
    int end = message.length;
    int eol = indexOf(message, 0, end, (byte) '\n');
    if (eol < 0) {
      return null;
    }
    int lineEnd = lineEnd(message, 0, eol);
    // RTSP/d.d SP 3DIGIT [SP reason]
    int code = 9;
    if (lineEnd < 0
        || lineEnd > MAX_STATUS_LINE
        || lineEnd < code + 3
        || !isDigit(message[5])
        || message[6] != '.'
        || !isDigit(message[7])
        || message[8] != ' '
        || !isDigit(message[code])
        || !isDigit(message[code + 1])
        || !isDigit(message[code + 2])
        || (lineEnd > code + 3 && message[code + 3] != ' ')
        || !HeadBytes.isText(message, code, lineEnd)) {
      return null;
    }
    int status =
        (message[code] - '0') * 100 + (message[code + 1] - '0') * 10 + (message[code + 2] - '0');
    OriginAnswer answer = new OriginAnswer(message, status, code, lineEnd);
    int pos = eol + 1;
    while (pos < end) {
      eol = indexOf(message, pos, end, (byte) '\n');
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
      if (!HeadBytes.isText(message, pos, lineEnd) || !answer.header(pos, lineEnd)) {
        return null;
      }
      pos = eol + 1;
    }
    return null; // the framer hands on whole messages: a head without its end is not one
  }

  /** Notes the header line {@code [from, to)}; false when it is not one. */
  private boolean header(int from, int to) {
    byte first = bytes[from];
    if (first == ' ' || first == '\t') {
      // A folded line continues the header before it (obsolete, but RTSP/1.0 allows it).
      if (count == 0) {
        return false;
      }
      headers[FIELDS * (count - 1) + 3] = to;
      return true;
    }
    int colon = indexOf(bytes, from, to, (byte) ':');
    if (colon < 0) {
      return false;
    }
    int nameEnd = colon;
    while (nameEnd > from && isBlank(bytes[nameEnd - 1])) {
      nameEnd--;
    }
    if (!HeadBytes.isToken(bytes, from, nameEnd)) {
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
    Kind kind = kind(bytes, from, nameEnd);
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
    return new String(
        bytes, from, headers[FIELDS * header + 1] - from, StandardCharsets.ISO_8859_1);
  }

  /** Where header {@code header}'s last line ends (before its line end). */
  int to(int header) {
    return headers[FIELDS * header + 3];
  }

  /** Header {@code header}'s value: blanks around it taken off, folded lines joined by a space. */
  String value(int header) {
    int from = headers[FIELDS * header + 2];
    int to = headers[FIELDS * header + 3];
    int eol = indexOf(bytes, from, to, (byte) '\n');
    if (eol < 0) {
      return trimmed(from, to);
    }
    StringBuilder joined = new StringBuilder(to - from);
    while (true) {
      String part = trimmed(from, eol < 0 ? to : lineEnd(bytes, from, eol));
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
      eol = indexOf(bytes, from, to, (byte) '\n');
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
    while (from < to && isBlank(bytes[from])) {
      from++;
    }
    while (to > from && isBlank(bytes[to - 1])) {
      to--;
    }
    return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static Kind kind(byte[] bytes, int from, int to) {
    for (int k = 0; k < NAMES.length; k++) {
      if (HeadBytes.isName(bytes, from, to, NAMES[k])) {
        return KINDS[k];
      }
    }
    return Kind.COPIED;
  }
}
