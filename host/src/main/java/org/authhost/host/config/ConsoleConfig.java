package org.authhost.host.config;

import java.util.List;

/**
 * The operator's web console ({@code console}): its own listener, off unless a port or a TLS
 * listener is configured.
 *
 * @param bindAddress the address to listen on; loopback unless configured
 * @param port the plain HTTP port; 0 picks a free one, -1 (the default) means no plain listener
 * @param allowPlainHttp a plain listener on a non-loopback address only when the operator says so
 * @param tls the HTTPS listener with its own keystore, or null for none
 * @param operatorsGroup a local group whose members may look but not change, or null
 * @param idleMinutes a console session unused this long ends
 * @param plugins the plug-ins an operator may log on with, in offer order; empty means the enabled
 *     ones that suit a browser (Digest, Negotiate, NTLM; Basic over TLS or loopback)
 * @param oldBindKey the file says {@code bind}, the old name of {@code bindAddress}: the host says
 *     so at start
 * @param zeroPortLine the line of host.json that sets {@code port} to 0, which once meant no plain
 *     listener and now picks a free port: the host warns at start; 0 when the file does not
 */
public record ConsoleConfig(
    String bindAddress,
    int port,
    boolean allowPlainHttp,
    TlsConfig tls,
    String operatorsGroup,
    long idleMinutes,
    List<String> plugins,
    boolean oldBindKey,
    int zeroPortLine) {
  public static final long DEFAULT_IDLE_MINUTES = 15;

  /** No console: the default. */
  public static final ConsoleConfig OFF =
      new ConsoleConfig(
          "127.0.0.1", -1, false, null, null, DEFAULT_IDLE_MINUTES, List.of(), false, 0);

  public ConsoleConfig {
    plugins = List.copyOf(plugins);
  }

  /** Whether any listener is configured. */
  public boolean enabled() {
    return port >= 0 || tls != null;
  }
}
