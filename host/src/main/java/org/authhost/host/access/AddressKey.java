package org.authhost.host.access;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The unit in which the host counts what one client does (failed logons, audit floods): an IPv4
 * address, or the /64 an IPv6 address belongs to. One IPv6 host is given a whole /64 (RFC 7421) and
 * can send from any of its 2^64 addresses, so counting by /128 would let it escape every count and
 * fill the tables with new keys.
 */
public final class AddressKey {
  /** The IPv6 prefix counted as one client. */
  public static final int IPV6_PREFIX_LENGTH = 64;

  private AddressKey() {}

  /**
   * {@code address} itself for IPv4 (and anything that is not an IP literal), else its /64, as
   * {@code 2001:db8:1:2::/64}.
   */
  public static String of(String address) {
    if (address == null || address.indexOf(':') < 0) {
      return address;
    }
    int scope = address.indexOf('%');
    byte[] bytes =
        NetUtil.createByteArrayFromIpAddressString(
            scope < 0 ? address : address.substring(0, scope));
    if (bytes == null || bytes.length != 16) {
      return bytes == null ? address : NetUtil.bytesToIpAddress(bytes);
    }
    for (int i = IPV6_PREFIX_LENGTH / 8; i < 16; i++) {
      bytes[i] = 0;
    }
    try {
      return NetUtil.toAddressString(InetAddress.getByAddress(bytes)) + "/" + IPV6_PREFIX_LENGTH;
    } catch (UnknownHostException cannotHappen) {
      return address; // getByAddress refuses only a wrong length
    }
  }
}
