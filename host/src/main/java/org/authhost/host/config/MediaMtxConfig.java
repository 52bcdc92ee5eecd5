package org.authhost.host.config;

import java.util.List;

/**
 * {@code integrations.mediamtx}: MediaMTX's {@code authHTTPAddress}.
 *
 * @param path the exact request path of the endpoint
 * @param streamPrefix put before MediaMTX's {@code path} to find the publishing point
 * @param adminPoint the publishing point whose ACL decides {@code api}, {@code metrics} and {@code
 *     pprof} (write), or null to refuse them
 * @param tokenScheme the authentication scheme a {@code token} is handled as
 * @param callers the addresses and CIDR ranges MediaMTX calls from (default: loopback)
 */
public record MediaMtxConfig(
    String path, String streamPrefix, String adminPoint, String tokenScheme, List<String> callers) {
  public MediaMtxConfig {
    callers = List.copyOf(callers);
  }

  /** Called from loopback only, the default. */
  public MediaMtxConfig(String path, String streamPrefix, String adminPoint, String tokenScheme) {
    this(path, streamPrefix, adminPoint, tokenScheme, IntegrationsConfig.LOOPBACK);
  }
}
