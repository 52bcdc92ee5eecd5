package org.authhost.host.access;

import java.net.InetAddress;

/**
 * Who the client of one request is, as far as the host can tell: the address that audit, lockout
 * and IP lists use, and whether the client's own leg (client to the first proxy, or to the host) is
 * TLS or loopback, which decides whether a password-sending protocol such as Basic is offered.
 *
 * @param inet the client's address
 * @param address the same as text ({@link InetAddress#getHostAddress()})
 * @param secure the client's own leg is TLS
 * @param loopback the client's own leg is loopback (the client runs on the machine it connected to)
 * @param forwarded the address comes from forwarding headers of a trusted proxy, not the socket
 */
public record ClientAddress(
    InetAddress inet, String address, boolean secure, boolean loopback, boolean forwarded) {

  /** The peer of the connection itself, no proxy involved. */
  public static ClientAddress direct(InetAddress peer, boolean tls) {
    return new ClientAddress(peer, peer.getHostAddress(), tls, peer.isLoopbackAddress(), false);
  }

  /** Whether a protocol that sends the password itself may be offered to this client. */
  public boolean mayReceivePasswords() {
    return secure || loopback;
  }
}
