package org.authhost.host.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code metrics}: the Prometheus listener ({@code GET /metrics}), off unless a port is set. A
 * client on loopback may always scrape; any other only from an address in {@link #allow}. With a
 * bearer token (written in the file, or better in a file of its own), a scrape without it is 401.
 *
 * @param port the listener's port; 0 picks a free one; -1 (the default) means no listener
 * @param bindAddress the address to listen on; loopback unless the operator says otherwise
 * @param allow the addresses and CIDR ranges besides loopback that may scrape
 * @param bearerToken the token a scrape must carry as {@code Authorization: Bearer}, or null
 * @param bearerTokenFile a file whose first line is that token (read at start), or null
 * @param tls an HTTPS listener with its own keystore and port (the {@code http.tls} shape), so that
 *     the token and the figures do not cross a network in clear; null for none
 */
public record MetricsConfig(
    int port,
    String bindAddress,
    List<String> allow,
    String bearerToken,
    Path bearerTokenFile,
    TlsConfig tls) {
  /** No listener; the host still counts, for the console's live figures. */
  public static final MetricsConfig OFF =
      new MetricsConfig(-1, "127.0.0.1", List.of(), null, null, null);

  public MetricsConfig {
    allow = List.copyOf(allow);
  }

  /** Shorter than this, a token is guessable in a scrape interval's worth of tries. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /**
   * Whether {@code token} can be a bearer token: {@link #MIN_TOKEN_LENGTH} or more of RFC 6750's
   * b64token characters.
   */
  public static boolean isUsableToken(String token) {
    return token.length() >= MIN_TOKEN_LENGTH
        && token
            .chars()
            .allMatch(
                c ->
                    (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9')
                        || "-._~+/=".indexOf(c) >= 0);
  }

  /** Whether a listener runs (plain, HTTPS or both). */
  public boolean enabled() {
    return port >= 0 || tls != null;
  }

  /** Never the token itself: a configuration is printed in logs and test failures. */
  @Override
  public String toString() {
    return "MetricsConfig[port="
        + port
        + ", bindAddress="
        + bindAddress
        + ", allow="
        + allow
        + ", bearerToken="
        + (bearerToken == null ? "none" : "(set)")
        + ", bearerTokenFile="
        + bearerTokenFile
        + ", tls="
        + tls
        + "]";
  }
}
