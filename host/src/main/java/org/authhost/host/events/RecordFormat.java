package org.authhost.host.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.util.zip.CRC32C;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;

/**
 * The on-disk layout of one record, and the limits that keep every record small enough for one
 * reusable buffer.
 *
 * <pre>
 * header  [int magic][int payloadLength][int crc32c(payload)]
 * payload [long recordNumber][long epochMillis][byte level][int hresult]
 *         [unsigned short sourceLength][source UTF-8][int textLength][text UTF-8]
 * </pre>
 *
 * All numbers are big-endian. The magic and the length bound catch a record that was never
 * completely written; the CRC catches one whose bytes are wrong.
 */
final class RecordFormat {
  /** "EVT1": lets recovery tell a record boundary from garbage before trusting the length. */
  static final int MAGIC = 0x45565431;

  static final int HEADER_BYTES = 12;
  static final int MAX_SOURCE_CHARS = 256;
  static final int MAX_TEXT_BYTES = 32 * 1024;
  static final String ELLIPSIS = "\u2026";

  // A Java char never takes more than 3 UTF-8 bytes (a surrogate pair: 2 chars, 4 bytes).
  private static final int MAX_SOURCE_BYTES = MAX_SOURCE_CHARS * 3;
  private static final int FIXED_PAYLOAD_BYTES = 8 + 8 + 1 + 4 + 2 + 4;
  static final int MIN_PAYLOAD_BYTES = FIXED_PAYLOAD_BYTES;
  static final int MAX_PAYLOAD_BYTES = FIXED_PAYLOAD_BYTES + MAX_SOURCE_BYTES + MAX_TEXT_BYTES;
  static final int MAX_RECORD_BYTES = HEADER_BYTES + MAX_PAYLOAD_BYTES;

  private static final int ELLIPSIS_BYTES = ELLIPSIS.getBytes(UTF_8).length;

  private RecordFormat() {}

  /** The source as stored: at most {@link #MAX_SOURCE_CHARS} characters, never half a pair. */
  static String capSource(String source) {
    if (source.length() <= MAX_SOURCE_CHARS) {
      return source;
    }
    int end =
        Character.isHighSurrogate(source.charAt(MAX_SOURCE_CHARS - 1))
            ? MAX_SOURCE_CHARS - 1
            : MAX_SOURCE_CHARS;
    return source.substring(0, end);
  }

  /** The text as stored: at most {@link #MAX_TEXT_BYTES} of UTF-8, ending in an ellipsis if cut. */
  static String capText(String text) {
    if (text.length() <= MAX_TEXT_BYTES / 3) {
      return text; // cannot exceed the cap, so skip encoding it twice
    }
    if (text.getBytes(UTF_8).length <= MAX_TEXT_BYTES) {
      return text;
    }
    // The encoder stops on overflow at a character boundary, so the cut never splits a character.
    ByteBuffer room = ByteBuffer.allocate(MAX_TEXT_BYTES - ELLIPSIS_BYTES);
    CharsetEncoder encoder =
        UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    encoder.encode(CharBuffer.wrap(text), room, true);
    room.flip();
    return UTF_8.decode(room) + ELLIPSIS;
  }

  /**
   * Writes one whole record into {@code buffer} (cleared first) and leaves it flipped, ready to be
   * written. The strings must already be capped and encoded.
   */
  static void encode(
      ByteBuffer buffer,
      CRC32C crc,
      long recordNumber,
      long epochMillis,
      EventLevel level,
      HResult hresult,
      byte[] source,
      byte[] text) {
    buffer.clear().position(HEADER_BYTES);
    buffer
        .putLong(recordNumber)
        .putLong(epochMillis)
        .put((byte) level.value())
        .putInt(hresult.value())
        .putShort((short) source.length)
        .put(source)
        .putInt(text.length)
        .put(text);
    int end = buffer.position();
    buffer.limit(end).position(HEADER_BYTES);
    crc.reset();
    crc.update(buffer);
    buffer.putInt(0, MAGIC).putInt(4, end - HEADER_BYTES).putInt(8, (int) crc.getValue());
    buffer.position(0);
  }

  /** Whether a header's payload length is one {@link #encode} can have written. */
  static boolean plausibleLength(int payloadLength) {
    return payloadLength >= MIN_PAYLOAD_BYTES && payloadLength <= MAX_PAYLOAD_BYTES;
  }

  /**
   * Reads the payload between {@code payload}'s position and limit, whose CRC has already been
   * checked.
   *
   * @throws IllegalArgumentException if the fields do not fit together (a format error the CRC
   *     cannot catch, e.g. a record written by a buggy or newer writer)
   */
  static EventRecord decode(ByteBuffer payload) {
    try {
      long recordNumber = payload.getLong();
      long epochMillis = payload.getLong();
      EventLevel level = EventLevel.of(payload.get());
      HResult hresult = HResult.of(payload.getInt());
      String source = string(payload, Short.toUnsignedInt(payload.getShort()), MAX_SOURCE_BYTES);
      String text = string(payload, payload.getInt(), MAX_TEXT_BYTES);
      if (payload.hasRemaining()) {
        throw new IllegalArgumentException(payload.remaining() + " bytes after the text");
      }
      return new EventRecord(
          recordNumber, Instant.ofEpochMilli(epochMillis), level, source, hresult, text);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("fields run past the payload", e);
    }
  }

  private static String string(ByteBuffer payload, int length, int max) {
    if (length < 0 || length > max || length > payload.remaining()) {
      throw new IllegalArgumentException("string length " + length + " out of range");
    }
    String value;
    if (payload.hasArray()) {
      value =
          new String(payload.array(), payload.arrayOffset() + payload.position(), length, UTF_8);
    } else {
      byte[] bytes = new byte[length];
      payload.get(payload.position(), bytes);
      value = new String(bytes, UTF_8);
    }
    payload.position(payload.position() + length);
    return value;
  }
}
