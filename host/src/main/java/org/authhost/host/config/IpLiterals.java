package org.authhost.host.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals and CIDR ranges without ever asking DNS: {@link InetAddress#getByName}
 * looks up anything it cannot read as a literal, so a typo in an address would turn into a network
 * call (and, if something answers, into the wrong address).
 *
 * <p>IPv4 is the dotted-quad form only ({@code 10.0.0.1}; no leading zeros, which some parsers read
 * as octal, and no shortened {@code 10.1} forms). IPv6 is RFC 4291 text, with {@code ::} and a
 * trailing dotted quad; zone ids ({@code %eth0}) and brackets are not accepted.
 */
final class IpLiterals {
  private IpLiterals() {}

  /** The address bytes (4 or 16) of {@code text}, or {@code null} if it is not a literal. */
  static byte[] parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    return text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
  }

  /** The address {@code text} names, or {@code null} if it is not a literal. Never uses DNS. */
  static InetAddress address(String text) {
    byte[] bytes = parse(text);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes); // no lookup: the bytes are the address
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  /**
   * Why {@code text} is not an address literal or a CIDR range ({@code 10.0.0.0/8}, {@code
   * ::1/128}), or {@code null} if it is one.
   */
  static String rangeError(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = parse(address);
    if (bytes == null) {
      return "which is not an IP address literal";
    }
    if (isIpv4Mapped(bytes)) {
      // Java reads ::ffff:a.b.c.d as the IPv4 address, so a /96../128 prefix would not fit it.
      return "which is an IPv4-mapped IPv6 address; write the IPv4 address itself (prefix 0 to"
          + " 32)";
    }
    if (slash < 0) {
      return null;
    }
    String prefix = text.substring(slash + 1);
    int max = bytes.length * 8;
    if (prefix.isEmpty()
        || prefix.length() > 3
        || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')
        || (prefix.length() > 1 && prefix.charAt(0) == '0')
        || Integer.parseInt(prefix) > max) {
      return "whose prefix length is not a number from 0 to " + max;
    }
    return null;
  }

  /** Whether {@code bytes} is {@code ::ffff:a.b.c.d}. */
  static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  private static byte[] parseV4(String text) {
    byte[] out = new byte[4];
    return parseV4Into(text, out, 0) ? out : null;
  }

  private static boolean parseV4Into(String text, byte[] out, int offset) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 3
          || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return false;
      }
      out[offset + i] = (byte) value;
    }
    return true;
  }

  private static byte[] parseV6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return null; // "::" may stand in for zeros only once
    }
    byte[] out = new byte[16];
    if (gap < 0) {
      return parseGroups(text, out, 0, 16, true) == 16 ? out : null;
    }
    String head = text.substring(0, gap);
    String tail = text.substring(gap + 2);
    int headBytes = head.isEmpty() ? 0 : parseGroups(head, out, 0, 16, false);
    if (headBytes < 0) {
      return null;
    }
    byte[] tailOut = new byte[16];
    int tailBytes = tail.isEmpty() ? 0 : parseGroups(tail, tailOut, 0, 16, true);
    // "::" stands for at least one group of zeros.
    if (tailBytes < 0 || headBytes + tailBytes > 14) {
      return null;
    }
    System.arraycopy(tailOut, 0, out, 16 - tailBytes, tailBytes);
    return out;
  }

  /**
   * Reads colon-separated hex groups (the last may be a dotted quad if {@code quadAllowed}) into
   * {@code out}; the number of bytes read, or -1 if the text is not well formed.
   */
  private static int parseGroups(
      String text, byte[] out, int offset, int limit, boolean quadAllowed) {
    String[] groups = text.split(":", -1);
    int at = offset;
    for (int i = 0; i < groups.length; i++) {
      String group = groups[i];
      boolean last = i == groups.length - 1;
      if (last && quadAllowed && group.indexOf('.') >= 0) {
        if (at + 4 > limit || !parseV4Into(group, out, at)) {
          return -1;
        }
        at += 4;
        continue;
      }
      if (group.isEmpty() || group.length() > 4 || at + 2 > limit) {
        return -1;
      }
      int value = 0;
      for (int j = 0; j < group.length(); j++) {
        int digit = Character.digit(group.charAt(j), 16);
        if (digit < 0 || group.charAt(j) > 'f') {
          return -1;
        }
        value = value * 16 + digit;
      }
      out[at++] = (byte) (value >> 8);
      out[at++] = (byte) value;
    }
    return at - offset;
  }
}
