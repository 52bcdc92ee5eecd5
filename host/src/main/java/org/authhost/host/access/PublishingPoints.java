package org.authhost.host.access;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.authhost.host.config.HostConfig;
import org.authhost.host.tokens.AccountDirectory;

/** The configured publishing points, matched by the longest URL prefix. */
@Singleton
public final class PublishingPoints {
  private final List<PublishingPoint> points;

  @Inject
  PublishingPoints(HostConfig config, AccountDirectory accounts) {
    this.points =
        config.publishingPoints().stream()
            .map(
                p ->
                    new PublishingPoint(
                        p.name(),
                        p.prefix(),
                        p.directory(),
                        p.origin(),
                        p.plugins(),
                        AccessControlList.of(p.acl(), accounts),
                        IpRules.of(p.ipAllow(), p.ipDeny())))
            .sorted(Comparator.comparingInt((PublishingPoint p) -> p.prefix().length()).reversed())
            .toList();
  }

  /**
   * The HTTP publishing point whose prefix starts this raw request path, if any: a point with an
   * {@code rtsp://} origin is the RTSP front's ({@link #matchRtsp}).
   */
  public Optional<PublishingPoint> match(String rawPath) {
    for (PublishingPoint point : points) {
      if (!point.rtsp() && rawPath.startsWith(point.prefix())) {
        return Optional.of(point);
      }
    }
    return Optional.empty();
  }

  /** The RTSP publishing point (longest prefix) whose prefix starts this path, if any. */
  public Optional<PublishingPoint> matchRtsp(String rawPath) {
    for (PublishingPoint point : points) {
      if (point.rtsp() && rawPath.startsWith(point.prefix())) {
        return Optional.of(point);
      }
    }
    return Optional.empty();
  }

  /** The point whose prefix is this path plus a slash: {@code /vod} names {@code /vod/}. */
  public Optional<PublishingPoint> matchWithoutSlash(String rawPath) {
    return points.stream().filter(p -> !p.rtsp() && p.prefix().equals(rawPath + "/")).findFirst();
  }

  public List<PublishingPoint> all() {
    return points;
  }
}
