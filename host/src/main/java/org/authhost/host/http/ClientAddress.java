package org.authhost.host.http;

import java.net.InetAddress;

/**
 * The client of a request, decided once by the {@link RequestSequencer}: the address the audit, the
 * lockout, the address lists and the plug-ins all see, and its text, made once rather than per use.
 */
record ClientAddress(InetAddress address, String text) {
  static ClientAddress of(InetAddress address) {
    return new ClientAddress(address, address.getHostAddress());
  }
}
