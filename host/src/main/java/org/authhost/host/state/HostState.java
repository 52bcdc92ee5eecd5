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

  static final Duration EVICTION_CHECK_EVERY = Duration.ofMinutes(1);

  private final StateService store;
  private final RedisStateService redisStore;
  private final HostEvents events;
  private final java.util.Set<String> users = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile Recovery recovery = Recovery.NONE;
  private final RedisLink link;
  private final RedisOutage outage;
  private final Scheduler scheduler;
  private final String description;
  private volatile Scheduler.Scheduled retries;
  private volatile Scheduler.Scheduled evictionChecks;

  @Inject
  HostState(HostConfig config, LocalStateService local, HostEvents events, Scheduler scheduler) {
    this.scheduler = scheduler;
    this.events = events;
    RedisConfig redis = config.state().redis();
    if (redis == null) {
      this.redisStore = null;
      this.store = local;
      this.link = null;
      this.outage = null;
      this.description = "the host's memory";
    } else {
      this.outage = new RedisOutage(RedisOutage.Events.of(events), redis.shownUri());
      this.link = new RedisLink(redis, outage);
      this.redisStore = new RedisStateService(link, outage, redis.timeout());
      this.store = redisStore;
      link.whenReset(this::storeReset);
      this.description = "Redis at " + redis.shownUri();
    }
  }

  /** The store every plug-in's state goes to (each through its own {@link PluginState}). */
  public StateService store() {
    return store;
  }

  /** {@code pluginId}'s view of the store, which notes that the plug-in keeps state in it. */
  public StateService forPlugin(String pluginId) {
    return new PluginState(store, pluginId, () -> users.add(pluginId));
  }

  /** The plug-ins that have kept state in the store. */
  public java.util.Set<String> users() {
    return java.util.Set.copyOf(users);
  }

  /**
   * What the plug-in side does when the shared store lost its data: take the plug-ins that kept
   * state there out of service, and put them back once the store answers again, so that each starts
   * anew (Digest: a new nonce key and epoch, so outstanding nonces are stale, never accepted
   * against an empty window).
   */
  public interface Recovery {
    Recovery NONE =
        new Recovery() {
          @Override
          public java.util.List<String> disable(java.util.Set<String> pluginIds) {
            return java.util.List.of();
          }

          @Override
          public void enable(java.util.List<String> pluginIds) {}
        };

    /** Disables those of {@code pluginIds} that are enabled; gives them. May block. */
    java.util.List<String> disable(java.util.Set<String> pluginIds);

    /** Enables {@code pluginIds} again. May block. */
    void enable(java.util.List<String> pluginIds);
  }

  /** Set by the plug-in host. */
  public void recoverWith(Recovery recovery) {
    this.recovery = recovery;
  }

  /**
   * Redis lost its data (found by a script or on reconnection, on a Lettuce thread): every state
   * operation answers 503 until the plug-ins that kept state are disabled, the new life mark is
   * adopted and they are enabled again; on a thread of its own, since disabling waits.
   */
  private void storeReset() {
    if (!redisStore.beginReset()) {
      return;
    }
    outage.dataLost();
    Thread t = new Thread(this::recover, "state store reset");
    t.setDaemon(true);
    t.start();
  }

  private void recover() {
    java.util.List<String> disabled = java.util.List.of();
    try {
      disabled = recovery.disable(users());
      link.adoptLife().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // Redis went away again, or a plug-in would not stop: the next script finds the mark
      // wrong again and the reset runs again.
      org.slf4j.LoggerFactory.getLogger(HostState.class)
          .warn("the reset of the Redis store did not finish: {}", e.toString());
    } finally {
      redisStore.reopen();
      recovery.enable(disabled);
    }
    events.host(
        org.authhost.api.EventLevel.INFORMATION,
        HostEvents.HOST,
        org.authhost.api.HResult.S_OK,
        "the Redis store was reset after it lost its data; plug-ins enabled anew so that they"
            + " start afresh: "
            + (disabled.isEmpty() ? "none" : String.join(", ", disabled)));
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
    // A CONFIG SET after connecting is seen within a minute (reconnections check at once).
    evictionChecks =
        scheduler.scheduleWithFixedDelay(
            link::checkEviction, EVICTION_CHECK_EVERY, EVICTION_CHECK_EVERY);
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
    Scheduler.Scheduled e = evictionChecks;
    if (e != null) {
      e.cancel();
      evictionChecks = null;
    }
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
