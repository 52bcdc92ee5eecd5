package org.authhost.host.cli;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.config.PublishingPointConfig;

/**
 * {@code run}'s line per publishing point: its prefix, the plug-ins it offers, and where its
 * content comes from, a folder that does not exist said so. The points of a first start answer 404
 * until their folders are made, and neither the URL of the ready line nor the plug-in table says
 * which prefixes there are.
 */
final class PointLines {
  private PointLines() {}

  /**
   * @param serverPlugins the ids of the plug-ins the server offers, in its order: what a point that
   *     lists none offers
   */
  static List<String> of(List<PublishingPointConfig> points, List<String> serverPlugins) {
    List<String> lines = new ArrayList<>(points.size());
    for (PublishingPointConfig point : points) {
      String plugins =
          point.plugins().isEmpty()
              ? "the server's: " + listed(serverPlugins)
              : listed(point.plugins());
      lines.add("serving " + point.prefix() + " (" + plugins + ") " + source(point));
    }
    return lines;
  }

  private static String listed(List<String> ids) {
    return ids.isEmpty() ? "none" : String.join(", ", ids);
  }

  private static String source(PublishingPointConfig point) {
    if (point.directory() == null) {
      return "from origin " + PublishingPointConfig.withoutUserInfo(point.origin());
    }
    return "from "
        + point.directory().normalize()
        + (Files.isDirectory(point.directory()) ? "" : " (missing)");
  }
}
