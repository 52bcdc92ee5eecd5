package org.authhost.host.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A publishing point: a URL prefix served from a local folder or an upstream origin.
 *
 * @param name its name, e.g. {@code vod}
 * @param prefix the URL path prefix, starting and ending with {@code /}, e.g. {@code /vod/}
 * @param directory the folder of on-demand files, or null when {@code origin} is set
 * @param origin the upstream HTTP origin to proxy to, or null when {@code directory} is set
 * @param plugins its own authentication plug-ins, in offer order; empty means the server's
 * @param acl its access-control entries; empty means the WMS defaults (Everyone: read,
 *     Administrators: full)
 * @param ipAllow addresses or CIDR ranges allowed here (empty: all)
 * @param ipDeny addresses or CIDR ranges refused here
 */
public record PublishingPointConfig(
    String name,
    String prefix,
    Path directory,
    URI origin,
    List<String> plugins,
    List<AceConfig> acl,
    List<String> ipAllow,
    List<String> ipDeny) {
  public PublishingPointConfig {
    plugins = List.copyOf(plugins);
    acl = List.copyOf(acl);
    ipAllow = List.copyOf(ipAllow);
    ipDeny = List.copyOf(ipDeny);
  }

  /**
   * An origin as the host shows it (the console's pane, {@code run}'s start lines): an {@code
   * rtsp://user:password@} origin's secret stays in host.json.
   */
  public static String withoutUserInfo(URI origin) {
    if (origin.getRawUserInfo() == null) {
      return origin.toString();
    }
    return origin.getScheme()
        + "://"
        + origin.getRawAuthority().substring(origin.getRawAuthority().lastIndexOf('@') + 1)
        + (origin.getRawPath() == null ? "" : origin.getRawPath());
  }
}
