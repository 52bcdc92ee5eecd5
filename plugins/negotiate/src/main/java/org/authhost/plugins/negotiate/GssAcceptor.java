package org.authhost.plugins.negotiate;

/**
 * The Kerberos side of the plug-in: one acquired acceptor credential, and a handshake per
 * connection. An interface so that the SPNEGO dispatch can be tested without a KDC.
 */
interface GssAcceptor {

  /** A new, empty security context for one connection. */
  Handshake newHandshake();

  /**
   * Drops the credential and logs the service out, so that its keys leave memory (disable,
   * shutdown); safe to call twice. Handshakes still under way then answer {@link Step.Unavailable}.
   */
  void dispose();

  /** One connection's GSS-API context. Used by one thread at a time. */
  interface Handshake {
    /** {@code acceptSecContext}; never throws. */
    Step accept(byte[] token);

    /** Frees the context; safe to call twice. */
    void dispose();
  }
}
