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

  /** How often the in-memory store's sweep runs ({@link LocalStateService#sweepSome}). */
  static final Duration SWEEP_EVERY = Duration.ofMillis(250);

  private final StateService store;
  private final RedisStateService redisStore;
  private final HostEvents events;
  private final java.util.Set<String> users = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile Recovery recovery = Recovery.NONE;
  private final RedisLink link;
  private final RedisOutage outage;
  private final Scheduler scheduler;
  private final java.time.Clock clock;
  private final Duration inFlightBound;
  private final String description;
  private volatile Scheduler.Scheduled retries;
  private volatile Scheduler.Scheduled evictionChecks;
  private final LocalStateService local;
  private volatile Scheduler.Scheduled sweeps;

  /**
   * The host's one thread for the store's resets and the enables that follow a connection: they
   * wait for plug-ins, never on Lettuce's thread; made at start and ended at stop, so that none
   * enables a plug-in on a stopping host.
   */
  private volatile java.util.concurrent.ExecutorService resets;

  /** Whether the reset under way has told the operator of plug-ins it cannot take out. */
  private volatile boolean toldServing;

  /** Taken out of service by a reset, not yet back. */
  private final java.util.Set<String> awaitingEnable =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostState.class);

  @Inject
  HostState(
      HostConfig config,
      LocalStateService local,
      HostEvents events,
      Scheduler scheduler,
      java.time.Clock clock) {
    this.scheduler = scheduler;
    this.local = local;
    this.events = events;
    this.clock = clock;
    // A request admitted under one enable is answered within its calls' time limits.
    this.inFlightBound =
        Duration.ofMillis(
            config.plugins().callTimeoutMillis() + config.plugins().callbackTimeoutMillis() + 1000);
    RedisConfig redis = config.state().redis();
    if (redis == null) {
      this.redisStore = null;
      this.store = local;
      this.link = null;
      this.outage = null;
      this.description = "the host's memory";
    } else {
      this.outage = new RedisOutage(RedisOutage.Events.of(events), redis.shownUri(), clock);
      // The host's clock, where it is one (a fake in tests): the per-loop connections' back-off and
      // idle limit follow it.
      this.link =
          clock instanceof org.authhost.host.time.HostClock hostClock
              ? new RedisLink(redis, outage, hostClock)
              : new RedisLink(redis, outage);
      this.redisStore = new RedisStateService(link, outage, redis.timeout());
      this.store = redisStore;
      link.whenReset(this::storeReset);
      link.whenConnected(this::connected);
      this.description = "Redis at " + redis.shownUri();
    }
  }

  /**
   * Where the plug-ins' state is kept, as an operator's event names it: {@code Redis at
   * redis://host:6379} (the URI as shown, without a password) or {@code the host's memory}. Never
   * for a client: it names the host's back end.
   */
  public String storeName() {
    return description;
  }

  /** The store every plug-in's state goes to (each through its own {@link PluginState}). */
  public StateService store() {
    return store;
  }

  /** {@code pluginId}'s view of the store, which notes that the plug-in keeps state in it. */
  public PluginState forPlugin(String pluginId) {
    if (redisStore == null) {
      return new PluginState(store, pluginId, () -> users.add(pluginId));
    }
    InstanceMark[] self = new InstanceMark[1];
    InstanceMark mark =
        new InstanceMark(
            link::life,
            () -> enabling.put(pluginId, self[0]),
            () -> onResetThread(() -> restartStale(pluginId, self[0])),
            clock,
            inFlightBound,
            () -> keptView(pluginId));
    self[0] = mark;
    return new PluginState(
        redisStore.forInstance(mark),
        pluginId,
        () -> users.add(pluginId),
        mark::enabling,
        () -> redisStore.forInstance(mark.pinned()));
  }

  /**
   * A plug-in calls the store under an earlier {@code EnablePlugin}'s mark past every time limit of
   * a request admitted then: since the store lost its data, every such call is refused, and no
   * restart mends it. Two causes look alike here, and the event names both: a view the plug-in took
   * in an earlier {@code EnablePlugin} and kept (it keeps it across enables), or a blocking call
   * that overran its time limit and still runs on its bulkhead thread (abandoned by the guard, it
   * reaches the store late; the guard's own event named that call when its limit passed). Told once
   * per instance, naming the fix of each.
   */
  private void keptView(String pluginId) {
    events.host(
        org.authhost.api.EventLevel.ERROR,
        HostEvents.aboutPlugin(pluginId),
        org.authhost.api.HResult.NS_E_NO_NEW_CONNECTIONS,
        "plug-in '"
            + pluginId
            + "' calls the state service under an earlier EnablePlugin, later than any request"
            + " admitted then can last: a view it took in an earlier EnablePlugin and kept, or a"
            + " call that overran its time limit and still runs on its bulkhead thread; since the"
            + " shared state store (Redis) lost its data, those calls are refused (503). Fix: for a"
            + " kept view, the plug-in must take server.state() again in every EnablePlugin (ask"
            + " its author); until then, authhost plugins reload "
            + pluginId
            + " restores it (a new instance) until the store's next reset. For an overrunning"
            + " call, see the event that named the call when its time limit passed: the plug-in"
            + " blocks too long in it (ask its author)");
  }

  /** Each plug-in's instance last being enabled: the one a restart is for. */
  private final java.util.Map<String, InstanceMark> enabling =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A call of {@code pluginId}'s instance was refused because the store lost its data after the
   * instance was enabled (its enable ran across the reset, or it was not taken out of service): the
   * instance is restarted, so that it starts afresh under the new mark. Enabled (or failed on the
   * store) after the reset finished, so the reset's own passes did not see it.
   */
  private void restartStale(String pluginId, InstanceMark mark) {
    if (enabling.get(pluginId) != mark) {
      return; // a later instance replaced it
    }
    InstanceMark.Enable refused = mark.now();
    if (redisStore.resetting()) {
      // The reset's passes take it if it is in service by then; if its enable ends only after
      // them, its next refused call asks again (else it would stay refused for good).
      mark.askAgain(refused);
      return;
    }
    java.util.List<String> back = recovery.restart(pluginId, () -> mark.staleAgainst(link.life()));
    if (mark.now() == refused) {
      // Not restarted (its restart failed, or it is out of service and not to be enabled): a
      // later refused call of the same enable asks again.
      mark.askAgain(refused);
    }
    if (!back.isEmpty()) {
      events.host(
          org.authhost.api.EventLevel.INFORMATION,
          HostEvents.HOST,
          org.authhost.api.HResult.S_OK,
          "the shared state store (Redis) lost its data while plug-in '"
              + pluginId
              + "' was being enabled; the host restarted it so that it starts afresh");
    }
  }

  /** The plug-ins that have kept state in the store. */
  public java.util.Set<String> users() {
    return java.util.Set.copyOf(users);
  }

  /**
   * What the plug-in side does when the shared store lost its data: take the plug-ins that kept
   * state there out of service, and put them back once the store answers again, so that each starts
   * anew (Digest: a new epoch, so outstanding nonces are stale, never accepted against an empty
   * window). Also what it does when the store answers at last: enable the plug-ins whose enable
   * failed because it could not be reached.
   */
  public interface Recovery {
    Recovery NONE =
        new Recovery() {
          @Override
          public java.util.List<String> disable(java.util.Set<String> pluginIds) {
            return java.util.List.of();
          }

          @Override
          public java.util.List<String> enable(java.util.List<String> pluginIds) {
            return java.util.List.of();
          }

          @Override
          public java.util.List<String> enableWaiting(java.util.Set<String> pluginIds) {
            return java.util.List.of();
          }

          @Override
          public java.util.List<String> inService(java.util.Set<String> pluginIds) {
            return java.util.List.of();
          }

          @Override
          public java.util.List<String> restart(
              String pluginId, java.util.function.BooleanSupplier stale) {
            return java.util.List.of();
          }
        };

    /** Takes those of {@code pluginIds} that are enabled out of service; gives them. May block. */
    java.util.List<String> disable(java.util.Set<String> pluginIds);

    /** Puts {@code pluginIds} back in service; gives those that are. May block. */
    java.util.List<String> enable(java.util.List<String> pluginIds);

    /**
     * Enables those of {@code pluginIds} that should be enabled but whose enable failed because the
     * store could not be reached ({@code NS_E_NO_NEW_CONNECTIONS}); gives those now enabled. May
     * block.
     */
    java.util.List<String> enableWaiting(java.util.Set<String> pluginIds);

    /** Those of {@code pluginIds} that are in service (enabled). */
    java.util.List<String> inService(java.util.Set<String> pluginIds);

    /**
     * Once no change of the plug-in runs any more (an enable that ran across the reset has
     * finished), and if {@code stale} still holds: disables {@code pluginId} if enabled and enables
     * it again, or enables it if its enable failed on the store; gives it if now enabled. May
     * block.
     */
    java.util.List<String> restart(String pluginId, java.util.function.BooleanSupplier stale);
  }

  /** Set by the plug-in host. */
  public void recoverWith(Recovery recovery) {
    this.recovery = recovery;
  }

  /**
   * Redis lost its data (found by a script or on reconnection, on a Lettuce thread): every state
   * operation answers 503 until the plug-ins that kept state are disabled, the new life mark is
   * adopted and they are enabled again; on the host's reset thread, since disabling waits.
   */
  private void storeReset() {
    if (!redisStore.beginReset()) {
      return;
    }
    outage.dataLost();
    onResetThread(this::recover);
  }

  /** Runs {@code task} on the reset thread while the host runs; nothing once it stops. */
  private void onResetThread(Runnable task) {
    java.util.concurrent.ExecutorService r = resets;
    State now = state();
    if (r == null || (now != State.STARTING && now != State.STARTED)) {
      return;
    }
    try {
      r.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // The host is stopping: its plug-ins stop anyway.
    }
  }

  private void recover() {
    try {
      awaitingEnable.addAll(recovery.disable(users()));
    } catch (RuntimeException e) {
      LOG.warn("the plug-ins could not all be taken out of service for the store's reset", e);
    }
    finishReset();
  }

  /**
   * Adopts the store's new life mark, and only then answers again and puts the plug-ins back: a
   * plug-in enabled before would seed the store under a mark about to be replaced. Redis gone again
   * meanwhile: the store goes on answering 503 and the next connection finishes the reset.
   */
  private void finishReset() {
    if (!redisStore.resetting()) {
      return;
    }
    try {
      link.adoptLife().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn(
          "the reset of the Redis store waits for Redis to answer again: {}",
          e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e);
      // The next connection finishes it; so does this retry, should the connection stay up (a
      // time-out without a disconnection).
      scheduler.schedule(() -> onResetThread(this::finishReset), CONNECT_RETRY);
      return;
    }
    // Nothing that kept state may still serve with what it read before the loss: a plug-in whose
    // enable was running when the reset began (an operator's, a hot reload's) is in service now.
    try {
      awaitingEnable.addAll(recovery.disable(users()));
    } catch (RuntimeException e) {
      LOG.warn("the plug-ins could not all be taken out of service for the store's reset", e);
    }
    java.util.List<String> serving = recovery.inService(users());
    if (!serving.isEmpty()) {
      // Not reopened on trust: 503 goes on, and the next try takes them out of service.
      LOG.warn("the reset of the Redis store waits for plug-ins still in service: {}", serving);
      if (!toldServing) {
        toldServing = true;
        events.host(
            org.authhost.api.EventLevel.ERROR,
            HostEvents.HOST,
            org.authhost.api.HResult.NS_E_NO_NEW_CONNECTIONS,
            "the shared state store (Redis) lost its data, and the host could not take these"
                + " plug-ins out of service to restart them: "
                + String.join(", ", serving)
                + "; every state operation answers 503 until they are. Fix: authhost plugins"
                + " disable <id>, and enable it again once the reset is done");
      }
      scheduler.schedule(() -> onResetThread(this::finishReset), CONNECT_RETRY);
      return;
    }
    toldServing = false;
    redisStore.reopen();
    java.util.List<String> back = new java.util.ArrayList<>(awaitingEnable);
    awaitingEnable.removeAll(back);
    java.util.List<String> enabled = new java.util.ArrayList<>(recovery.enable(back));
    // And those whose enable had failed on the store before (an outage, an earlier reset).
    for (String id : recovery.enableWaiting(users())) {
      if (!back.contains(id)) {
        back.add(id);
      }
      enabled.add(id);
    }
    events.host(
        org.authhost.api.EventLevel.INFORMATION,
        HostEvents.HOST,
        org.authhost.api.HResult.S_OK,
        "the shared state store (Redis) lost its data and was reset by the host; the plug-ins"
            + " that keep state there were restarted so that they start afresh: "
            + (back.isEmpty() ? "none" : String.join(", ", back))
            + (enabled.size() == back.size()
                ? ""
                : "; not enabled again (see their events): "
                    + back.stream().filter(id -> !enabled.contains(id)).toList()));
  }

  /**
   * On each connection: a reset left unfinished is finished; else the plug-ins whose enable failed
   * while Redis could not be reached (a host started during an outage) are enabled now, with one
   * event.
   */
  private void connected() {
    connected(0);
  }

  /** How long the re-enables after a connection wait for the server's identity check. */
  static final Duration SERVER_CHECK_WAIT = Duration.ofMillis(100);

  static final int SERVER_CHECK_TRIES = 100;

  private void connected(int tries) {
    if (redisStore.resetting()) {
      onResetThread(this::finishReset);
      return;
    }
    if (link.serverUnchecked() || link.evicting()) {
      // Until the server's identity and eviction policy are checked every script fails closed:
      // an enable now would fail on it. After the checks (bounded: a check that fails, or a
      // policy that stays wrong, waits for the next connection).
      if (tries < SERVER_CHECK_TRIES) {
        scheduler.schedule(() -> connected(tries + 1), SERVER_CHECK_WAIT);
      }
      return;
    }
    onResetThread(
        () -> {
          java.util.List<String> enabled = recovery.enableWaiting(users());
          if (!enabled.isEmpty()) {
            events.host(
                org.authhost.api.EventLevel.INFORMATION,
                HostEvents.HOST,
                org.authhost.api.HResult.S_OK,
                "the shared state store (Redis) answers: enabled the plug-ins whose enable had"
                    + " failed while it could not be reached: "
                    + String.join(", ", enabled));
          }
        });
  }

  /**
   * The minute's check of Redis's eviction policy. One found wrong before and set right since (the
   * operator's {@code CONFIG SET maxmemory-policy noeviction}) is as a reconnection: the plug-ins
   * whose enable failed on it are enabled, without waiting for Lettuce to reconnect.
   */
  private void checkEviction() {
    boolean wasEvicting = link.evicting();
    link.checkEviction();
    if (wasEvicting) {
      connected(); // waits, bounded, for the check's answer
    }
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
      // Expired entries leave the heap on time, not only once the store is full.
      sweeps = scheduler.scheduleWithFixedDelay(local::sweepSome, SWEEP_EVERY, SWEEP_EVERY);
      return;
    }
    resets =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "state store reset");
              t.setDaemon(true);
              return t;
            });
    link.connect();
    // A CONFIG SET after connecting is seen within a minute (reconnections check at once).
    evictionChecks =
        scheduler.scheduleWithFixedDelay(
            this::checkEviction, EVICTION_CHECK_EVERY, EVICTION_CHECK_EVERY);
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
    cancel(sweeps);
    sweeps = null;
    cancel(evictionChecks);
    evictionChecks = null;
    cancel(retries);
    retries = null;
    java.util.concurrent.ExecutorService resetThread = resets;
    if (resetThread != null) {
      resetThread.shutdownNow();
      resets = null;
    }
    if (link != null) {
      link.close();
    }
  }

  private static void cancel(Scheduler.Scheduled task) {
    if (task != null) {
      task.cancel();
    }
  }

  @Override
  public String toString() {
    return "the host's state in " + description + "{" + state() + "}";
  }
}
