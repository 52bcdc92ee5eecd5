package org.authhost.host.access;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A publishing point as the request path sees it.
 *
 * @param name its name
 * @param prefix the URL path prefix, {@code /name/}
 * @param directory on-demand files, or null
 * @param origin the upstream origin, or null
 * @param plugins its own authentication plug-ins (replacing the server's list), or empty
 * @param acl who may do what
 * @param ipRules which clients may come in
 */
public record PublishingPoint(
    String name,
    String prefix,
    Path directory,
    URI origin,
    List<String> plugins,
    AccessControlList acl,
    IpRules ipRules) {

  /** Whether the point is served by the RTSP front: its origin is an {@code rtsp://} URL. */
  public boolean rtsp() {
    return origin != null && "rtsp".equalsIgnoreCase(origin.getScheme());
  }
}
