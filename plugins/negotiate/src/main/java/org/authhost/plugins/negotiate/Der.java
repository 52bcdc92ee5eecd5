package org.authhost.plugins.negotiate;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The little of ASN.1 DER that SPNEGO (RFC 4178 §4.2) needs: a strict, bounds-checked TLV reader
 * and a writer. Written here rather than taken from a library: the JDK's DER classes are not
 * exported, and Bouncy Castle would add an 8 MB JAR to the plug-in for four structures.
 *
 * <p>The reader accepts single-byte tags only (SPNEGO uses no high tag numbers) and definite
 * lengths of at most four bytes; every length is checked against the bytes that are really there,
 * so a lying length is {@link Malformed}, never an exception. Non-minimal length forms are
 * accepted, as MIT's and Windows' decoders accept them; they cannot point outside the buffer.
 */
final class Der {
  static final int SEQUENCE = 0x30;
  static final int OCTET_STRING = 0x04;
  static final int OID = 0x06;
  static final int ENUMERATED = 0x0A;
  static final int BIT_STRING = 0x03;

  /** {@code [APPLICATION 0]} constructed: the GSS-API InitialContextToken (RFC 2743 §3.1). */
  static final int APPLICATION_0 = 0x60;

  private Der() {}

  /** The context-specific constructed tag {@code [n]}, as SPNEGO's explicit tags are. */
  static int context(int n) {
    return 0xA0 | n;
  }

  /**
   * One element: its tag, and where its value and the whole encoding lie in {@code source}.
   *
   * @param tag the identifier octet
   * @param source the buffer the element was read from (not copied)
   * @param start the offset of the tag
   * @param valueStart the offset of the value
   * @param end the offset just past the value
   */
  record Tlv(int tag, byte[] source, int start, int valueStart, int end) {
    /** The value's bytes, copied. */
    byte[] value() {
      return Arrays.copyOfRange(source, valueStart, end);
    }

    /** The whole encoding (tag, length, value), copied; what a mechListMIC is computed over. */
    byte[] encoded() {
      return Arrays.copyOfRange(source, start, end);
    }

    /** A reader over the value, for a constructed element. */
    Reader contents() {
      return new Reader(source, valueStart, end);
    }

    int length() {
      return end - valueStart;
    }
  }

  /** Reads consecutive elements from {@code [position, end)} of a buffer. */
  static final class Reader {
    private final byte[] source;
    private int position;
    private final int end;

    Reader(byte[] source) {
      this(source, 0, source.length);
    }

    Reader(byte[] source, int start, int end) {
      this.source = source;
      this.position = start;
      this.end = end;
    }

    boolean hasMore() {
      return position < end;
    }

    /** The tag of the next element, or -1 at the end. */
    int peekTag() {
      return position < end ? source[position] & 0xFF : -1;
    }

    /** The offset of the next element: what follows the last one read. */
    int position() {
      return position;
    }

    /** The next element, which must have tag {@code expected}. */
    Tlv read(int expected, String what) throws Malformed {
      Tlv tlv = read(what);
      if (tlv.tag() != expected) {
        throw new Malformed(
            what
                + ": expected tag 0x"
                + Integer.toHexString(expected)
                + ", found 0x"
                + Integer.toHexString(tlv.tag()));
      }
      return tlv;
    }

    /** The next element, whatever its tag. */
    Tlv read(String what) throws Malformed {
      int start = position;
      if (end - position < 2) {
        throw new Malformed(what + ": truncated (no tag and length)");
      }
      int tag = source[position++] & 0xFF;
      if ((tag & 0x1F) == 0x1F) {
        throw new Malformed(what + ": multi-byte tags are not used by SPNEGO");
      }
      int first = source[position++] & 0xFF;
      long length;
      if (first < 0x80) {
        length = first;
      } else {
        int count = first & 0x7F;
        if (count == 0) {
          throw new Malformed(what + ": indefinite length is not DER");
        }
        if (count > 4) {
          throw new Malformed(what + ": length of " + count + " bytes is too long");
        }
        if (end - position < count) {
          throw new Malformed(what + ": truncated length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (source[position++] & 0xFF);
        }
      }
      if (length > end - position) {
        throw new Malformed(
            what + ": length " + length + " runs past the " + (end - position) + " bytes left");
      }
      int valueStart = position;
      position += (int) length;
      return new Tlv(tag, source, start, valueStart, position);
    }

    /** Fails unless every byte was read: trailing bytes would be a second, unchecked message. */
    void expectEnd(String what) throws Malformed {
      if (position != end) {
        throw new Malformed(what + ": " + (end - position) + " unexpected trailing bytes");
      }
    }
  }

  /** An OID's value as dotted text (X.690 §8.19), e.g. {@code 1.3.6.1.5.5.2}. */
  static String oid(Tlv tlv) throws Malformed {
    if (tlv.tag() != OID || tlv.length() == 0) {
      throw new Malformed("not an object identifier");
    }
    StringBuilder text = new StringBuilder();
    long arc = 0;
    boolean firstArc = true;
    for (int i = tlv.valueStart(); i < tlv.end(); i++) {
      int b = tlv.source()[i] & 0xFF;
      if (arc == 0 && b == 0x80) {
        throw new Malformed("object identifier with a padded arc");
      }
      arc = (arc << 7) | (b & 0x7F);
      if (arc > 0xFFFF_FFFFL) {
        throw new Malformed("object identifier arc too large");
      }
      if ((b & 0x80) == 0) {
        if (firstArc) {
          long top = Math.min(arc / 40, 2);
          text.append(top).append('.').append(arc - 40 * top);
          firstArc = false;
        } else {
          text.append('.').append(arc);
        }
        arc = 0;
      } else if (i == tlv.end() - 1) {
        throw new Malformed("object identifier ends inside an arc");
      }
    }
    return text.toString();
  }

  /** The DER encoding of a dotted OID. */
  static byte[] encodeOid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long[] arcs = Arrays.stream(parts).mapToLong(Long::parseLong).toArray();
    writeArc(out, arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      writeArc(out, arcs[i]);
    }
    return tlv(OID, out.toByteArray());
  }

  private static void writeArc(ByteArrayOutputStream out, long arc) {
    int groups = 1;
    for (long v = arc >>> 7; v != 0; v >>>= 7) {
      groups++;
    }
    for (int g = groups - 1; g >= 0; g--) {
      int b = (int) (arc >>> (7 * g)) & 0x7F;
      out.write(g == 0 ? b : b | 0x80);
    }
  }

  /** One element: the tag, the minimal DER length, then the parts one after another. */
  static byte[] tlv(int tag, byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int count = length > 0xFFFFFF ? 4 : length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
      out.write(0x80 | count);
      for (int i = count - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
