package org.authhost.host.config;

/**
 * The RTSP front ({@code rtsp}): where it listens and its limits. Off unless a port or a TLS
 * listener is configured.
 *
 * @param bindAddress the address to listen on; loopback unless configured, as for HTTP
 * @param port the plain RTSP port; 0 picks a free one; -1 (the default) means no plain listener
 * @param tls the {@code rtsps} listener with its own keystore, or null for none
 * @param maxInitialLineBytes the longest request line
 * @param maxHeaderBytes the most header bytes in one request
 * @param maxBodyBytes the largest request body (an ANNOUNCE's SDP)
 * @param idleTimeoutMillis a connection with no traffic in either direction is closed after this
 * @param maxSessions RTSP client connections (each with its origin connection) open at once; past
 *     it new ones are answered 503
 */
public record RtspConfig(
    String bindAddress,
    int port,
    TlsConfig tls,
    int maxInitialLineBytes,
    int maxHeaderBytes,
    int maxBodyBytes,
    long idleTimeoutMillis,
    int maxSessions) {
  /** No RTSP front: the default. */
  public static final RtspConfig OFF =
      new RtspConfig("127.0.0.1", -1, null, 4096, 8192, 65_536, 60_000, 1000);

  /** Whether any listener is configured. */
  public boolean enabled() {
    return port >= 0 || tls != null;
  }
}
