package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The hashing of one request: {@code H(a ":" b ":" ...)} written as octets into a buffer and
 * digested, the inner hashes kept as octets and written out as hex only where a formula
 * concatenates them. Every request hashes four times (HA2, the response, and the two of {@code
 * rspauth}); done with strings, each was a concatenation, a copy to bytes, a look-up of the
 * thread's digest and a hex string.
 *
 * <p>Not thread-safe: one request's synchronous part on one thread uses it, then drops it; a thread
 * has one buffer, so an inner hash is finished before the outer one is begun. The digest objects
 * and the buffer are the thread's ({@link #of}), kept as JDK objects only (an {@code Object[]} of a
 * {@link MessageDigest} per algorithm and a {@code byte[]}), so that the host's threads never keep
 * this plug-in's class loader alive after the plug-in is gone.
 */
final class Hashing {
  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  /** The slot of the buffer in a thread's array; the digests are in slots 0 to 2. */
  private static final int BUFFER = DigestAlgorithm.DIGEST_SLOTS;

  /**
   * The slots of the thread's last {@code H(method ":" uri)} and {@code H(":" uri)}: the method,
   * the uri, the digest slot they were hashed with (an {@code Integer}), and the two hashes. A
   * client asks for the same URI again and again (a player's playlist, a benchmark's file), so most
   * requests hash only their response.
   */
  private static final int A2_METHOD = BUFFER + 1;

  private static final int A2_URI = BUFFER + 2;
  private static final int A2_ALGORITHM = BUFFER + 3;
  private static final int A2_REQUEST = BUFFER + 4;
  private static final int A2_RSPAUTH = BUFFER + 5;

  private static final ThreadLocal<Object[]> PER_THREAD =
      ThreadLocal.withInitial(() -> new Object[A2_RSPAUTH + 1]);

  private final MessageDigest digest;
  private final int digestSlot;
  private final Object[] slots;
  private byte[] buffer;
  private int length;

  private Hashing(MessageDigest digest, int digestSlot, Object[] slots, byte[] buffer) {
    this.digest = digest;
    this.digestSlot = digestSlot;
    this.slots = slots;
    this.buffer = buffer;
  }

  /** This thread's hashing for {@code algorithm}, empty. */
  static Hashing of(DigestAlgorithm algorithm) {
    Object[] slots = PER_THREAD.get();
    MessageDigest digest = (MessageDigest) slots[algorithm.digestSlot()];
    if (digest == null) {
      digest = algorithm.newDigest();
      slots[algorithm.digestSlot()] = digest;
    }
    byte[] buffer = (byte[]) slots[BUFFER];
    if (buffer == null) {
      buffer = new byte[256];
      slots[BUFFER] = buffer;
    }
    return new Hashing(digest, algorithm.digestSlot(), slots, buffer);
  }

  /**
   * {@code H(method ":" uri)}, the A2 of {@code qop=auth} and of the RFC 2069 form, remembered for
   * the thread's last method and URI. The returned octets are shared: read them, never change them.
   */
  byte[] requestA2(String method, String uri) {
    a2For(method, uri);
    return (byte[]) slots[A2_REQUEST];
  }

  /**
   * {@code H(":" uri)}, the A2 of {@code rspauth} (RFC 7616 §3.5), remembered as {@link
   * #requestA2}.
   */
  byte[] rspauthA2(String method, String uri) {
    a2For(method, uri);
    return (byte[]) slots[A2_RSPAUTH];
  }

  /** Makes the thread's remembered A2s those of {@code method}, {@code uri} and this algorithm. */
  private void a2For(String method, String uri) {
    if (slots[A2_REQUEST] != null
        && (Integer) slots[A2_ALGORITHM] == digestSlot
        && uri.equals(slots[A2_URI])
        && method.equals(slots[A2_METHOD])) {
      return;
    }
    if (length != 0) {
      // Its hashes are written into the same buffer: a response's input written before would be
      // hashed into them (the verifier asks for the A2s first).
      throw new IllegalStateException("A2 asked for with " + length + " octets appended");
    }
    // Forgotten first: a failure half-way leaves nothing that would answer for another URI.
    slots[A2_REQUEST] = null;
    byte[] request = text(method).colon().text(uri).digest();
    byte[] rspauth = colon().text(uri).digest();
    slots[A2_METHOD] = method;
    slots[A2_URI] = uri;
    slots[A2_ALGORITHM] = digestSlot;
    slots[A2_RSPAUTH] = rspauth;
    slots[A2_REQUEST] = request;
  }

  /**
   * Appends {@code text} as the octets it stands for: the plug-in holds what the client sent as
   * ISO-8859-1 text, one char per octet (a char past 0xFF, which no header can carry, becomes
   * {@code '?'}, as {@code getBytes(ISO_8859_1)} would make it).
   */
  Hashing text(String text) {
    room(text.length());
    length = latin1(text, buffer, length);
    return this;
  }

  /**
   * Writes {@code text} into {@code to} from {@code at} as {@link #text} appends it.
   *
   * @return the index after the last octet written
   */
  static int latin1(String text, byte[] to, int at) {
    for (int i = 0; i < text.length(); i++) {
      to[at++] = latin1(text.charAt(i));
    }
    return at;
  }

  /**
   * The octet a char of ISO-8859-1 text stands for; {@code '?'} past 0xFF, as {@code
   * getBytes(ISO_8859_1)} makes it (never another octet: U+010A is not a line feed).
   */
  static byte latin1(char c) {
    return (byte) (c <= 0xFF ? c : '?');
  }

  /** Appends {@code octets} as they are. */
  Hashing octets(byte[] octets) {
    room(octets.length);
    System.arraycopy(octets, 0, buffer, length, octets.length);
    length += octets.length;
    return this;
  }

  Hashing colon() {
    room(1);
    buffer[length++] = ':';
    return this;
  }

  /** Appends {@code octets} as lower-case hex, as the formulas concatenate inner hashes. */
  Hashing hex(byte[] octets) {
    room(octets.length * 2);
    length = writeHex(octets, buffer, length);
    return this;
  }

  /**
   * Writes {@code octets} as lower-case hex into {@code to} from {@code at}.
   *
   * @return the index after the last digit written
   */
  static int writeHex(byte[] octets, byte[] to, int at) {
    for (byte b : octets) {
      to[at++] = HEX[(b >> 4) & 0xF];
      to[at++] = HEX[b & 0xF];
    }
    return at;
  }

  /** {@code H} of what was appended, as octets; the hashing is empty again. */
  byte[] digest() {
    return digestKeeping(0);
  }

  /** How many octets were appended: a mark for {@link #digestKeeping}. */
  int length() {
    return length;
  }

  /**
   * {@code H} of what was appended, as octets; the octets before {@code mark} stay appended, for a
   * next hash that starts with them (the response and {@code rspauth} differ only in their last
   * part).
   */
  byte[] digestKeeping(int mark) {
    digest.update(buffer, 0, length);
    length = mark;
    return digest.digest();
  }

  /** {@link #digest()} as lower-case hex. */
  String digestHex() {
    byte[] octets = digest();
    byte[] hex = new byte[octets.length * 2];
    writeHex(octets, hex, 0);
    return new String(hex, StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether {@link #digest()} is {@code expectedHex} (lower-case hex), compared in time that does
   * not depend on where they differ.
   */
  boolean digestEqualsHex(String expectedHex) {
    return digestEqualsHex(expectedHex, 0);
  }

  /** {@link #digestEqualsHex(String)}, keeping what was appended before {@code mark}. */
  boolean digestEqualsHex(String expectedHex, int mark) {
    byte[] octets = digestKeeping(mark);
    if (expectedHex.length() != octets.length * 2) {
      return false;
    }
    int difference = 0;
    for (int i = 0; i < octets.length; i++) {
      difference |= HEX[(octets[i] >> 4) & 0xF] ^ expectedHex.charAt(2 * i);
      difference |= HEX[octets[i] & 0xF] ^ expectedHex.charAt(2 * i + 1);
    }
    return difference == 0;
  }

  private void room(int more) {
    if (length + more > buffer.length) {
      // A long URI: the larger buffer stays the thread's, bounded by the header size limit.
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
      slots[BUFFER] = buffer;
    }
  }
}
