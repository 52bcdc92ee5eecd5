package org.authhost.host.http;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.authhost.host.access.IpRules;
import org.authhost.host.access.PublishingPoints;
import org.authhost.host.access.TrustedProxies;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.UrlCredentials;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.HttpConfig;
import org.authhost.host.config.IntegrationsConfig;
import org.authhost.host.http.content.FileCache;
import org.authhost.host.http.content.OriginProxy;
import org.authhost.host.metrics.HostMetrics;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/** What every connection's handler shares: one object, so a handler is cheap to make. */
@Singleton
final class HttpServices {
  private final HttpConfig limits;
  private final PublishingPoints points;
  private final IpRules serverIpRules;
  private final TrustedProxies trustedProxies;
  private final AuthenticationDriver driver;
  private final Audit audit;
  private final HostClock clock;
  private final Scheduler scheduler;
  private final FileCache files;
  private final HttpAnswers answers;
  private final IntegrationsConfig integrations;
  private final UrlCredentials urlCredentials;
  private final HostMetrics metrics;
  private volatile OriginProxy proxy;

  @Inject
  HttpServices(
      HostConfig config,
      PublishingPoints points,
      AuthenticationDriver driver,
      Audit audit,
      HostClock clock,
      Scheduler scheduler,
      UrlCredentials urlCredentials,
      HostMetrics metrics) {
    this.limits = config.http();
    this.points = points;
    this.serverIpRules = IpRules.of(config.security().ipAllow(), config.security().ipDeny());
    this.trustedProxies = TrustedProxies.of(config.security().trustedProxies());
    this.driver = driver;
    this.audit = audit;
    this.clock = clock;
    this.scheduler = scheduler;
    this.files = new FileCache(clock);
    this.answers = new HttpAnswers(audit);
    this.integrations = config.integrations();
    this.urlCredentials = urlCredentials;
    this.metrics = metrics;
  }

  /** What the front counts its answers in. */
  HostMetrics metrics() {
    return metrics;
  }

  /** The query parameters that carry plug-ins' credentials, kept from the origin. */
  UrlCredentials urlCredentials() {
    return urlCredentials;
  }

  /** The streaming servers' endpoints. */
  IntegrationsConfig integrations() {
    return integrations;
  }

  /** Where the front's refusals are audited and answered. */
  HttpAnswers answers() {
    return answers;
  }

  /** The host's time: file validators, the origin proxy's time limit. */
  HostClock clock() {
    return clock;
  }

  /** What the publishing points' folders hold, checked again at most a second ago. */
  FileCache files() {
    return files;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  HttpConfig limits() {
    return limits;
  }

  PublishingPoints points() {
    return points;
  }

  IpRules serverIpRules() {
    return serverIpRules;
  }

  TrustedProxies trustedProxies() {
    return trustedProxies;
  }

  AuthenticationDriver driver() {
    return driver;
  }

  Audit audit() {
    return audit;
  }

  OriginProxy proxy() {
    return proxy;
  }

  void proxy(OriginProxy proxy) {
    this.proxy = proxy;
  }
}
