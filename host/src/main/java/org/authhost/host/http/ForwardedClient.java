package org.authhost.host.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.TrustedProxies;
import org.authhost.host.authn.ClientConnection;

/**
 * The client of one request: the connection's peer, or, when the peer is a trusted proxy, the
 * client its forwarding headers name ({@link TrustedProxies} has the rule). Per request, because a
 * proxy carries many clients' requests on one connection.
 */
final class ForwardedClient {
  private ForwardedClient() {}

  static ClientAddress of(
      TrustedProxies proxies, ClientConnection connection, HttpHeaders headers) {
    if (!proxies.trusts(connection.direct.inet())) {
      return connection.direct;
    }
    return behind(proxies, connection, headers);
  }

  /** The client named by the headers of a request from a peer already known to be trusted. */
  static ClientAddress behind(
      TrustedProxies proxies, ClientConnection connection, HttpHeaders headers) {
    return proxies.resolve(
        connection.direct.inet(),
        connection.secure,
        lines(headers, "Forwarded"),
        lines(headers, "X-Forwarded-For"),
        lines(headers, "X-Forwarded-Proto"));
  }

  private static List<String> lines(HttpHeaders headers, String name) {
    return headers.contains(name) ? headers.getAll(name) : List.of();
  }
}
