package org.authhost.host.rtsp;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import org.authhost.host.access.PublishingPoint;

/**
 * The two names of one stream: the client-facing URL (the point's prefix at the address the client
 * used) and the origin's URL. Requests go to the origin's; absolute URLs the origin hands out
 * ({@code Content-Base}, {@code Content-Location}, {@code RTP-Info}, SDP {@code a=control}) are
 * rewritten to the client-facing one, so that the client's next requests come back here (and would
 * be routed by their path alone if a URL slipped through).
 */
final class OriginUrls {
  private final String clientBase;
  private final String originBase;
  final String host;
  final int port;

  private OriginUrls(String clientBase, String originBase, String host, int port) {
    this.clientBase = clientBase;
    this.originBase = originBase;
    this.host = host;
    this.port = port;
  }

  /** For a connection whose first request named {@code target} at {@code point}. */
  static OriginUrls of(PublishingPoint point, String target, InetSocketAddress local, boolean tls) {
    String authority;
    String lower = target.toLowerCase(Locale.ROOT);
    if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
      int start = target.indexOf("://") + 3;
      int slash = target.indexOf('/', start);
      authority = target.substring(0, slash < 0 ? target.length() : slash);
    } else {
      String h = local.getAddress().getHostAddress();
      authority =
          (tls ? "rtsps://" : "rtsp://")
              + (h.indexOf(':') >= 0 ? "[" + h + "]" : h)
              + ":"
              + local.getPort();
    }
    URI origin = point.origin();
    int port = origin.getPort() < 0 ? 554 : origin.getPort();
    String path =
        origin.getRawPath() == null || origin.getRawPath().isEmpty() ? "/" : origin.getRawPath();
    if (!path.endsWith("/")) {
      path += "/";
    }
    String host = origin.getHost();
    String originBase = "rtsp://" + host + (origin.getPort() < 0 ? "" : ":" + port) + path;
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new OriginUrls(authority + point.prefix(), originBase, host, port);
  }

  /** The origin's URL for a client request target whose path below the prefix is {@code rest}. */
  String toOrigin(String clientTarget, String prefix, String rest) {
    String raw = RtspRouting.rawPath(clientTarget);
    String rawRest = raw != null && raw.startsWith(prefix) ? raw.substring(prefix.length()) : rest;
    int q = clientTarget.indexOf('?');
    String query = q < 0 ? "" : clientTarget.substring(q);
    return originBase + rawRest + query;
  }

  /** {@code text} with the origin's absolute URLs made client-facing. */
  String toClient(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text.replace(originBase, clientBase);
    String originBare = originBase.substring(0, originBase.length() - 1);
    if (out.contains(originBare)) {
      out = out.replace(originBare, clientBase.substring(0, clientBase.length() - 1));
    }
    return out;
  }
}
