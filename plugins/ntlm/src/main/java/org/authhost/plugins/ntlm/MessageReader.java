package org.authhost.plugins.ntlm;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bounds-checked reading of one NTLMSSP message (MS-NLMP §2.2): the fixed fields and the payload
 * that security buffers ({@code len(2) maxlen(2) offset(4)}) point into.
 *
 * <p>Every way a client could point outside the message, into the fixed header, over another
 * buffer, or ask for an absurd size is a {@link Malformed} here, so the message classes above never
 * index an array with a number the client chose.
 */
final class MessageReader {
  /** The longest raw message accepted; real ones are a few hundred bytes. */
  static final int MAX_MESSAGE = 64 * 1024;

  static final byte[] SIGNATURE = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

  /** Where a security buffer's bytes are; {@code length == 0} for an empty one. */
  record Buffer(int offset, int length) {
    static final Buffer EMPTY = new Buffer(0, 0);

    boolean isEmpty() {
      return length == 0;
    }
  }

  private final byte[] message;
  private final String kind;
  private final int headerLength;
  private final List<Buffer> claimed = new ArrayList<>();

  /**
   * Checks the size, the signature and the message type.
   *
   * @param kind the message's name, for reasons
   * @param headerLength the fixed part every message of this kind has; no buffer may start inside
   *     it
   */
  MessageReader(byte[] message, String kind, int type, int headerLength) throws Malformed {
    int found = messageType(message);
    if (found != type) {
      throw new Malformed(
          "expected an NTLM " + kind + " message (type " + type + "), got type " + found);
    }
    if (message.length < headerLength) {
      throw new Malformed(
          "truncated "
              + kind
              + " message: "
              + message.length
              + " bytes, its fixed part is "
              + headerLength);
    }
    this.message = message;
    this.kind = kind;
    this.headerLength = headerLength;
  }

  /**
   * The message type after a size and signature check; unsigned, so a negative type cannot come
   * back.
   */
  static int messageType(byte[] message) throws Malformed {
    if (message == null || message.length == 0) {
      throw new Malformed("empty NTLM token");
    }
    if (message.length > MAX_MESSAGE) {
      throw new Malformed(
          "NTLM token of " + message.length + " bytes; at most " + MAX_MESSAGE + " are accepted");
    }
    if (message.length < 12 || !Arrays.equals(message, 0, 8, SIGNATURE, 0, 8)) {
      throw new Malformed("not an NTLMSSP message (no \"NTLMSSP\\0\" signature)");
    }
    long type = u32(message, 8);
    return type > 255 ? 255 : (int) type;
  }

  int length() {
    return message.length;
  }

  byte[] raw() {
    return message;
  }

  int u16(int at) throws Malformed {
    require(at, 2);
    return (message[at] & 0xFF) | (message[at + 1] & 0xFF) << 8;
  }

  int u32(int at) throws Malformed {
    require(at, 4);
    return (int) u32(message, at);
  }

  byte[] bytes(int at, int length) throws Malformed {
    require(at, length);
    return Arrays.copyOfRange(message, at, at + length);
  }

  byte[] bytes(Buffer b) {
    return Arrays.copyOfRange(message, b.offset(), b.offset() + b.length());
  }

  /**
   * Reads the security buffer whose descriptor is at {@code fieldAt}. An empty buffer's offset is
   * ignored (curl sends 0); a non-empty one must lie wholly in the payload and overlap no other.
   *
   * @param min the shortest non-empty value accepted
   * @param max the longest value accepted
   */
  Buffer buffer(int fieldAt, String name, int min, int max) throws Malformed {
    int length = u16(fieldAt);
    long offset = u32(message, checked(fieldAt + 4, 4));
    if (length == 0) {
      return Buffer.EMPTY;
    }
    if (length < min || length > max) {
      throw new Malformed(
          kind
              + " field "
              + name
              + " is "
              + length
              + " bytes; "
              + (min == max ? "it must be " + min : "expected " + min + " to " + max));
    }
    if (offset < headerLength) {
      throw new Malformed(
          kind + " field " + name + " points into the message header (offset " + offset + ")");
    }
    if (offset + length > message.length) {
      throw new Malformed(
          kind
              + " field "
              + name
              + " runs past the end of the message (offset "
              + offset
              + ", length "
              + length
              + ", message "
              + message.length
              + " bytes)");
    }
    Buffer b = new Buffer((int) offset, length);
    for (Buffer other : claimed) {
      if (b.offset() < other.offset() + other.length()
          && other.offset() < b.offset() + b.length()) {
        throw new Malformed(kind + " field " + name + " overlaps another field");
      }
    }
    claimed.add(b);
    return b;
  }

  /** The lowest offset of a non-empty buffer read so far: where the payload starts. */
  int payloadStart() {
    int start = message.length;
    for (Buffer b : claimed) {
      start = Math.min(start, b.offset());
    }
    return start;
  }

  /** A string field: UTF-16LE when UNICODE was negotiated, else OEM, read as ISO-8859-1. */
  String string(Buffer b, boolean unicode, String name) throws Malformed {
    return decode(message, b.offset(), b.length(), unicode, kind + " field " + name);
  }

  static String decode(byte[] bytes, int offset, int length, boolean unicode, String what)
      throws Malformed {
    if (!unicode) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    if (length % 2 != 0) {
      throw new Malformed(what + " has an odd length (" + length + ") for UTF-16");
    }
    try {
      return StandardCharsets.UTF_16LE
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Malformed(what + " is not valid UTF-16 (a lone surrogate)");
    }
  }

  private void require(int at, int length) throws Malformed {
    if (at < 0 || length < 0 || at > message.length - length) {
      throw new Malformed("truncated " + kind + " message: " + message.length + " bytes");
    }
  }

  private int checked(int at, int length) throws Malformed {
    require(at, length);
    return at;
  }

  static long u32(byte[] b, int at) {
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }
}
