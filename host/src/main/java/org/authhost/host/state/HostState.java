package org.authhost.host.state;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import org.authhost.api.StateService;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.RedisConfig;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.time.Scheduler;

/**
 * Where the host keeps what plug-ins store and what several hosts must share: this process's memory
 * ({@link LocalStateService}, the default) or Redis ({@code state.redis}: {@link RedisStateService}
 * over one {@link RedisLink}). A part of the host: it connects before the plug-ins start (Digest
 * reads its nonce key from it while it enables) and disconnects after they stop.
 */
@Singleton
public final class HostState extends LifeCycle {
  /** How often a host that never reached Redis tries again (Lettuce reconnects one that did). */
  static final Duration CONNECT_RETRY = Duration.ofSeconds(1);

  private final StateService store;
  private final RedisLink link;
  private final RedisOutage outage;
  private final Scheduler scheduler;
  private final String description;
  private volatile Scheduler.Scheduled retries;

  @Inject
  HostState(HostConfig config, LocalStateService local, HostEvents events, Scheduler scheduler) {
    this.scheduler = scheduler;
    RedisConfig redis = config.state().redis();
    if (redis == null) {
      this.store = local;
      this.link = null;
      this.outage = null;
      this.description = "the host's memory";
    } else {
      this.outage = new RedisOutage(RedisOutage.Events.of(events), redis.shownUri());
      this.link = new RedisLink(redis, outage);
      this.store = new RedisStateService(link, outage, redis.timeout());
      this.description = "Redis at " + redis.shownUri();
    }
  }

  /** The store every plug-in's state goes to (each through its own {@link PluginState}). */
  public StateService store() {
    return store;
  }

  /** The connection to Redis, when configured: for host state shared beyond plug-ins. */
  public Optional<RedisLink> redis() {
    return Optional.ofNullable(link);
  }

  /** The outage tracker, when Redis is configured. */
  public Optional<RedisOutage> outage() {
    return Optional.ofNullable(outage);
  }

  @Override
  protected void doStart() {
    if (link == null) {
      return;
    }
    link.connect();
    if (!link.connected()) {
      retries =
          scheduler.scheduleWithFixedDelay(
              () -> {
                if (link.connected()) {
                  Scheduler.Scheduled r = retries;
                  if (r != null) {
                    r.cancel();
                  }
                } else {
                  link.retry();
                }
              },
              CONNECT_RETRY,
              CONNECT_RETRY);
    }
  }

  @Override
  protected void doStop() {
    Scheduler.Scheduled r = retries;
    if (r != null) {
      r.cancel();
      retries = null;
    }
    if (link != null) {
      link.close();
    }
  }

  @Override
  public String toString() {
    return "the host's state in " + description + "{" + state() + "}";
  }
}
