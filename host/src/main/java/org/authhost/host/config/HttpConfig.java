package org.authhost.host.config;

import java.net.InetAddress;

/**
 * The HTTP front: where it listens and the limits a public server needs.
 *
 * @param bindAddress the address to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the plain-HTTP port; 0 picks a free one; -1 means no plain HTTP listener
 * @param allowPlainHttp plain HTTP on a non-loopback address only when the operator says so
 * @param tls the HTTPS listener, or null for none
 * @param maxInitialLineBytes the longest request line
 * @param maxHeaderBytes the most header bytes in one request
 * @param maxHeaders the most header fields in one request
 * @param idleTimeoutMillis a connection with nothing to do is closed after this
 * @param handshakeTimeoutMillis a TLS handshake must finish within this
 * @param maxConnections connections open at once; past it new ones are refused
 * @param portFromCommandLine whether {@code port} is the command line's ({@code run --port}), not
 *     {@code http.port}: a message about the port must name the setting the operator gave
 */
public record HttpConfig(
    String bindAddress,
    int port,
    boolean allowPlainHttp,
    TlsConfig tls,
    int maxInitialLineBytes,
    int maxHeaderBytes,
    int maxHeaders,
    long idleTimeoutMillis,
    long handshakeTimeoutMillis,
    int maxConnections,
    boolean portFromCommandLine) {

  /** The front as {@code host.json} sets it, {@code port} included. */
  public HttpConfig(
      String bindAddress,
      int port,
      boolean allowPlainHttp,
      TlsConfig tls,
      int maxInitialLineBytes,
      int maxHeaderBytes,
      int maxHeaders,
      long idleTimeoutMillis,
      long handshakeTimeoutMillis,
      int maxConnections) {
    this(
        bindAddress,
        port,
        allowPlainHttp,
        tls,
        maxInitialLineBytes,
        maxHeaderBytes,
        maxHeaders,
        idleTimeoutMillis,
        handshakeTimeoutMillis,
        maxConnections,
        false);
  }

  /**
   * Whether plain HTTP may listen here on any port: on a loopback address, or where the operator
   * allows it ({@code allowPlainHttp}), as the reader checks {@code http.port}.
   */
  public boolean plainHttpAllowed() {
    InetAddress bind = IpLiterals.address(bindAddress);
    return allowPlainHttp || (bind != null && bind.isLoopbackAddress());
  }

  /** The same front with plain HTTP on {@code port} (the command line's {@code run --port}). */
  public HttpConfig withPort(int port) {
    return new HttpConfig(
        bindAddress,
        port,
        allowPlainHttp,
        tls,
        maxInitialLineBytes,
        maxHeaderBytes,
        maxHeaders,
        idleTimeoutMillis,
        handshakeTimeoutMillis,
        maxConnections,
        true);
  }
}
