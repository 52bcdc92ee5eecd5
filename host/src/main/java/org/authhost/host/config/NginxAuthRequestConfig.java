package org.authhost.host.config;

import java.util.List;

/**
 * {@code integrations.nginxAuthRequest}: the location nginx's {@code auth_request} subrequest is
 * proxied to.
 *
 * @param path the exact request path of the endpoint, e.g. {@code /.authhost/nginx}
 * @param points the publishing points it answers for; each lists its plug-ins
 * @param identityHeader the response header that names the account on success, for {@code
 *     auth_request_set}
 * @param callers the addresses and CIDR ranges nginx calls from (default: loopback)
 */
public record NginxAuthRequestConfig(
    String path, List<String> points, String identityHeader, List<String> callers) {
  public NginxAuthRequestConfig {
    points = List.copyOf(points);
    callers = List.copyOf(callers);
  }

  /** Called from loopback only, the default. */
  public NginxAuthRequestConfig(String path, List<String> points, String identityHeader) {
    this(path, points, identityHeader, IntegrationsConfig.LOOPBACK);
  }
}
