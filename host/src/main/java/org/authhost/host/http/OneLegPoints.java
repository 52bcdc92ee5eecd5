package org.authhost.host.http;

import java.util.List;
import org.authhost.api.AuthenticationFlags;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.lifecycle.OperatorException;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.plugins.PluginView;

/** The start check of the points nginx {@code auth_request} answers for (HTTP front only). */
final class OneLegPoints {
  private OneLegPoints() {}

  /**
   * Refuses to start when a publishing point that nginx {@code auth_request} answers for offers a
   * plug-in that needs two legs on one connection: nginx's pooled upstream connections carry many
   * clients, so such a handshake could never finish there. A plug-in that can finish in one leg
   * ({@link AuthenticationFlags#COMPLETES_IN_ONE_LEG}, Kerberos under Negotiate) is allowed; its
   * second leg is refused per call.
   */
  static void check(PluginHost plugins, List<String> pointNames, List<PublishingPoint> points)
      throws OperatorException {
    for (PublishingPoint point : points) {
      if (!pointNames.contains(point.name())) {
        continue;
      }
      for (PluginView p : plugins.plugins()) {
        if (point.plugins().contains(p.id())
            && AuthenticationFlags.has(p.flags(), AuthenticationFlags.CONNECTION_BOUND)
            && !AuthenticationFlags.has(p.flags(), AuthenticationFlags.COMPLETES_IN_ONE_LEG)) {
          throw new OperatorException(
              "host/connection-bound-behind-nginx",
              "publishing point '"
                  + point.name()
                  + "' is listed in integrations.nginxAuthRequest.points and offers the '"
                  + p.id()
                  + "' plug-in, whose protocol ("
                  + p.protocol()
                  + ") needs two requests on one client connection; nginx auth_request sends"
                  + " each request on whichever pooled connection is free, so it can never"
                  + " finish there",
              "remove '"
                  + p.id()
                  + "' from the point's \"plugins\" list (offer negotiate for Kerberos, or"
                  + " basic or digest), or serve the point from AuthHost directly rather than"
                  + " through nginx",
              null);
        }
      }
    }
  }
}
