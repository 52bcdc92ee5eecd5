package org.authhost.plugins.ntlm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * AV_PAIR lists (MS-NLMP §2.2.2.1): the TargetInfo of a CHALLENGE and its echo inside the client's
 * NTLMv2 blob. Parsing is strict because the MIC's presence is announced inside this list: a list
 * that may be read two ways, or with two MsvAvFlags, would let a relay choose the reading.
 */
final class AvPairs {
  static final int EOL = 0;
  static final int NB_COMPUTER_NAME = 1;
  static final int NB_DOMAIN_NAME = 2;
  static final int DNS_COMPUTER_NAME = 3;
  static final int DNS_DOMAIN_NAME = 4;
  static final int DNS_TREE_NAME = 5;
  static final int FLAGS = 6;
  static final int TIMESTAMP = 7;
  static final int SINGLE_HOST = 8;
  static final int TARGET_NAME = 9;
  static final int CHANNEL_BINDINGS = 10;

  /** MsvAvFlags bit: the AUTHENTICATE message carries a MIC. */
  static final int FLAG_MIC_PRESENT = 0x2;

  private static final String[] NAMES = {
    "MsvAvEOL",
    "MsvAvNbComputerName",
    "MsvAvNbDomainName",
    "MsvAvDnsComputerName",
    "MsvAvDnsDomainName",
    "MsvAvDnsTreeName",
    "MsvAvFlags",
    "MsvAvTimestamp",
    "MsvAvSingleHost",
    "MsvAvTargetName",
    "MsvAvChannelBindings"
  };

  /** One pair; the value is owned by the pair (callers copy before handing it out). */
  record AvPair(int id, byte[] value) {
    boolean sameAs(AvPair other) {
      return id == other.id && Arrays.equals(value, other.value);
    }
  }

  private AvPairs() {}

  static String name(int id) {
    return id >= 0 && id < NAMES.length ? NAMES[id] : "AvId " + id;
  }

  /**
   * Reads pairs from {@code bytes[from..to)} up to and including MsvAvEOL; bytes after the EOL are
   * left to the caller (the NTLMv2 blob has padding there).
   *
   * @return the pairs before the EOL
   */
  static List<AvPair> parse(byte[] bytes, int from, int to, String where) throws Malformed {
    List<AvPair> pairs = new ArrayList<>();
    BitSet seen = new BitSet(); // ids are 16 bits; a message carries a handful
    int at = from;
    while (true) {
      if (to - at < 4) {
        throw new Malformed(where + ": the AV pair list does not end with MsvAvEOL");
      }
      int id = (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
      int length = (bytes[at + 2] & 0xFF) | (bytes[at + 3] & 0xFF) << 8;
      at += 4;
      if (length > to - at) {
        throw new Malformed(where + ": " + name(id) + " runs past the end of the AV pair list");
      }
      if (id == EOL) {
        if (length != 0) {
          throw new Malformed(where + ": MsvAvEOL has a value");
        }
        return pairs;
      }
      if (seen.get(id)) {
        throw new Malformed(where + ": " + name(id) + " appears twice");
      }
      seen.set(id);
      checkLength(id, length, where);
      pairs.add(new AvPair(id, Arrays.copyOfRange(bytes, at, at + length)));
      at += length;
    }
  }

  private static void checkLength(int id, int length, String where) throws Malformed {
    int expected =
        switch (id) {
          case FLAGS -> 4;
          case TIMESTAMP -> 8;
          case CHANNEL_BINDINGS -> 16;
          default -> -1;
        };
    if (expected >= 0 && length != expected) {
      throw new Malformed(
          where + ": " + name(id) + " is " + length + " bytes; it must be " + expected);
    }
    boolean text =
        id == NB_COMPUTER_NAME
            || id == NB_DOMAIN_NAME
            || id == DNS_COMPUTER_NAME
            || id == DNS_DOMAIN_NAME
            || id == DNS_TREE_NAME
            || id == TARGET_NAME;
    if (text && length % 2 != 0) {
      throw new Malformed(
          where + ": " + name(id) + " has an odd length (" + length + ") for UTF-16");
    }
  }

  /** The list followed by MsvAvEOL. */
  static byte[] encode(List<AvPair> pairs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (AvPair p : pairs) {
      write(out, p.id(), p.value());
    }
    write(out, EOL, new byte[0]);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, int id, byte[] value) {
    out.write(id);
    out.write(id >>> 8);
    out.write(value.length);
    out.write(value.length >>> 8);
    out.writeBytes(value);
  }

  /** The value of {@code id}, or {@code null}. */
  static byte[] find(List<AvPair> pairs, int id) {
    for (AvPair p : pairs) {
      if (p.id() == id) {
        return p.value();
      }
    }
    return null;
  }

  /** MsvAvFlags as a number, 0 when absent. */
  static int flags(List<AvPair> pairs) {
    byte[] v = find(pairs, FLAGS);
    return v == null ? 0 : (int) MessageReader.u32(v, 0);
  }
}
