package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.BasicPlugin;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.host.config.ConfigProblem;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.PropertyPlaces;
import org.authhost.host.config.PublishingPointConfig;
import org.authhost.host.containment.Containment;
import org.authhost.host.diagnostics.ControlCharacters;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.plugins.integrity.Decision;
import org.authhost.host.plugins.integrity.JarAdmission;
import org.authhost.host.plugins.integrity.PluginIntegrity;
import org.authhost.host.time.Scheduler;
import org.authhost.host.tokens.TokenTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the plug-ins in the plug-in folder, each in its own class loader, and drives their life
 * cycle: load → {@code InitializePlugin} → {@code EnablePlugin} → heartbeats → {@code
 * DisablePlugin} → {@code ShutdownPlugin}. A plug-in that cannot be loaded becomes an event naming
 * its file and the fix; the host goes on with the rest.
 */
@Singleton
public final class PluginHost extends LifeCycle {
  private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

  /** WMS never delivers heartbeats at 100 ms or less. */
  static final Duration HEARTBEAT_FLOOR = Duration.ofMillis(100);

  /** The names the guard and the service gate know these calls by. */
  static final String DISABLE_PLUGIN = "DisablePlugin";

  static final String SHUTDOWN_PLUGIN = "ShutdownPlugin";

  private final HostConfig config;
  private final PluginGuard guard;
  private final PluginFailures failures;
  private final HostEventLog eventLog;
  private final HostServerContext server;
  private final HostEvents events;
  private final TokenTable tokens;
  private final Scheduler scheduler;
  private final ContainmentSetup containmentSetup;
  private final PluginIntegrity integrity;
  private volatile Consumer<PluginDescriptor> beforeStaging = descriptor -> {};

  /** Replaced whole at start and stop, so readers on the request path never take a lock. */
  private volatile Map<String, HostedPlugin> plugins = Map.of();

  private volatile Offer offer;

  /** How the plug-ins stop in bounded time. */
  private final BoundedStop stop;

  private final List<PluginProblem> problems = new CopyOnWriteArrayList<>();

  /** Follows the plug-in folder while the host runs (issue 16); its own part of the host. */
  private final PluginReloads reloads;

  @Inject
  PluginHost(
      HostConfig config,
      PluginGuard guard,
      PluginFailures failures,
      HostEventLog eventLog,
      HostServerContext server,
      HostEvents events,
      TokenTable tokens,
      Scheduler scheduler,
      ContainmentSetup containmentSetup,
      PluginIntegrity integrity) {
    this.containmentSetup = containmentSetup;
    this.integrity = integrity;
    this.config = config;
    this.guard = guard;
    this.failures = failures;
    this.eventLog = eventLog;
    this.server = server;
    this.events = events;
    this.tokens = tokens;
    this.scheduler = scheduler;
    this.stop = new BoundedStop(guard, events);
    this.reloads = new PluginReloads(this);
  }

  @Override
  protected synchronized void doStart() throws Exception {
    // Before the first plug-in class exists.
    Containment.Status containment = containmentSetup.install();
    if (containment.active()) {
      log.info("containment guard on: {}", containment.detail());
    } else {
      events.host(
          EventLevel.WARNING,
          HostEvents.HOST,
          HResult.E_FAIL,
          "the containment guard is off: "
              + containment.detail()
              + ". Plug-ins can end the host's process (System.exit) and reflect into its"
              + " internals. Start the host with the authhost launcher, or add"
              + " -javaagent:<distribution>/lib/authhost-host-agent.jar to the java command");
    }
    // Before the first plug-in call: the guard's watchdog enforces every call's time limit.
    guard.start();
    try {
      loadAll();
      reloads.start();
    } catch (Exception | Error e) {
      // A part whose start failed is not stopped by whoever started it: the plug-ins that started
      // (their heartbeats), the watchdog and the guard's pools would outlive the host.
      try {
        stopPlugins();
      } catch (Exception | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      try {
        guard.stop();
      } catch (Exception | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The named values of host.json that enabled plug-ins in error refused (or missed): mistakes in
   * the file, found a step later than the others, which a host's start reports as the others.
   */
  public List<ConfigProblem> refusedSettings() {
    List<ConfigProblem> refused = new ArrayList<>();
    for (HostedPlugin plugin : plugins.values()) {
      RefusedNamedValue value = plugin.namedValues().refused();
      if (value != null && plugin.inError() && config.plugins().settingsOf(plugin.id()).enabled()) {
        refused.add(value.problem());
      }
    }
    return refused;
  }

  /** What admits a JAR before anything of it is read: {@code plugins.integrity}. */
  JarAdmission admission() {
    return integrity;
  }

  private void loadAll() {
    failures.disableWith(this::disableAfterFailure);
    Path directory = config.plugins().directory();
    try {
      // What an earlier run staged: each load of this run gets a folder of its own.
      PluginStaging.deleteTree(workDirectory());
    } catch (IOException e) {
      log.debug("clearing {}", workDirectory(), e);
    }
    PluginDiscovery.Scan scan = PluginDiscovery.scan(directory, integrity);
    scan.problems().forEach(this::refuse);
    reloads.remember(scan);
    Set<String> found = new LinkedHashSet<>();
    scan.descriptors().forEach(d -> found.add(d.id()));
    scan.problems().forEach(p -> found.add(p.pluginId()));
    Set<String> configured = new LinkedHashSet<>(config.plugins().order());
    configured.addAll(config.plugins().settings().keySet());
    for (String id : configured) {
      if (!found.contains(id)) {
        refuse(
            new PluginProblem(
                "plugin/missing",
                id,
                directory.resolve(id + ".jar"),
                HResult.E_FILE_NOT_FOUND,
                "host.json configures plug-in '"
                    + id
                    + "' but no JAR in "
                    + directory
                    + " declares id="
                    + id,
                "copy the plug-in's JAR into "
                    + directory
                    + ", or remove '"
                    + id
                    + "' from plugins.order and plugins.settings in host.json"));
      }
    }
    // Plug-ins are independent until they are offered, so they start side by side; the map keeps
    // the configured order whatever order they finish in.
    List<PluginDescriptor> ordered = ordered(scan.descriptors());
    ExecutorService starters =
        Executors.newFixedThreadPool(Math.max(1, Math.min(ordered.size(), 4)));
    try {
      List<CompletableFuture<HostedPlugin>> starting =
          ordered.stream()
              .map(d -> CompletableFuture.supplyAsync(() -> startOne(d), starters))
              .toList();
      Map<String, HostedPlugin> started = new LinkedHashMap<>();
      RuntimeException failed = null;
      for (CompletableFuture<HostedPlugin> plugin : starting) {
        try {
          HostedPlugin one = plugin.join();
          if (one != null) {
            started.put(one.id(), one);
          }
        } catch (RuntimeException e) {
          // The others are waited for all the same, so that those which started can be stopped.
          if (failed == null) {
            failed = e;
          } else {
            failed.addSuppressed(e);
          }
        }
      }
      plugins = Collections.unmodifiableMap(started);
      if (failed != null) {
        throw failed;
      }
    } finally {
      starters.shutdown();
    }
    log.info("{}", counts().describe());
    warnAboutSecondAnonymous();
  }

  /**
   * A publishing point offers at most one anonymous plug-in, the first of them in its own list (WMS
   * offers one anonymous logon): a point that lists more is told at start, naming the point, the
   * one offered and the fix, instead of ignoring the others in silence.
   */
  private void warnAboutSecondAnonymous() {
    for (PublishingPointConfig point : config.publishingPoints()) {
      List<String> anonymous =
          point.plugins().stream()
              .filter(
                  id -> {
                    HostedPlugin p = plugins.get(id);
                    return p != null
                        && AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS);
                  })
              .toList();
      if (anonymous.size() > 1) {
        events.host(
            EventLevel.WARNING,
            HostEvents.HOST,
            HResult.E_INVALIDARG,
            "publishing point '"
                + point.name()
                + "' lists "
                + anonymous.size()
                + " anonymous plug-ins ("
                + String.join(", ", anonymous)
                + "); only '"
                + anonymous.get(0)
                + "', the first listed, is offered there. Fix: list one anonymous plug-in in"
                + " the point's \"plugins\" in host.json, or give each its own publishing point");
      }
    }
  }

  @Override
  protected synchronized void doStop() throws Exception {
    try {
      // First: no reload starts or finishes while the plug-ins stop.
      reloads.stop();
      server.shuttingDown();
      stopPlugins();
    } finally {
      // After the last plug-in call: a DisablePlugin that hung was answered by the guard.
      guard.stop();
    }
  }

  /**
   * The first step of a stop, taken while the fronts still answer (see {@code AuthHost}): no
   * plug-in takes a new call that may block, and every call waiting for one of its threads is
   * answered at once (503 with {@code Retry-After}) instead of running for a client the stop is
   * about to cut off; the calls in progress have their grace from now. Idempotent; the stop takes
   * this step itself if no one took it before.
   */
  public void stopTakingCalls() {
    List<HostedPlugin> all = new ArrayList<>(plugins.values());
    all.addAll(reloads.draining());
    stop.stopTakingCalls(all);
  }

  /** Disables and shuts down every plug-in, last first, in bounded time, and forgets them. */
  private void stopPlugins() {
    List<HostedPlugin> reverse = new ArrayList<>(reloads.takeDraining());
    reverse.addAll(plugins.values());
    Collections.reverse(reverse);
    Set<HostedPlugin> abandoned = stop.disableAndShutDown(reverse);
    for (HostedPlugin plugin : reverse) {
      eventLog.unregister(plugin);
      int leaked = tokens.closeAllOwnedBy(plugin.id());
      if (leaked > 0) {
        log.info(
            "{} left {} token handle(s) open at shutdown; the host closed them", plugin, leaked);
      }
      plugin.unloaded();
      if (abandoned.contains(plugin)) {
        // A thread still in its code would fail at its next class load, and report that as a
        // failure of the plug-in; the loader goes with the process.
        continue;
      }
      try {
        plugin.classLoader().close();
      } catch (IOException e) {
        log.debug("closing the class loader of {}", plugin, e);
      }
    }
    plugins = Map.of();
    offer = null;
    problems.clear();
  }

  /**
   * What is still running in plug-in code now, one line per plug-in ({@code plug-in 'x':
   * Authenticate (2 calls)}): what a stop that overran its bound leaves behind.
   */
  public List<String> callsInProgress() {
    return stop.callsInProgress();
  }

  // For PluginReloads, which swaps versions in and out of the map.

  Map<String, HostedPlugin> current() {
    return plugins;
  }

  /** Puts {@code next} in service at once: the next request's offer is built from it. */
  void replaceAll(Map<String, HostedPlugin> next) {
    plugins = Collections.unmodifiableMap(new LinkedHashMap<>(next));
    offer = null;
  }

  /**
   * Drops the offer list as last built: a request that built it from the map a swap replaced (while
   * the swap happened) may have stored it after the swap, still holding the old version.
   */
  void forgetOffer() {
    offer = null;
  }

  HostConfig config() {
    return config;
  }

  HostEvents events() {
    return events;
  }

  HostEventLog eventLog() {
    return eventLog;
  }

  TokenTable tokens() {
    return tokens;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** Forgets the problems that {@code which} takes (a file fixed, an id loaded). */
  void forgetProblems(java.util.function.Predicate<PluginProblem> which) {
    problems.removeIf(which);
  }

  /** The plug-in reloads: folder changes, reload and rollback on demand. */
  public PluginReloads reloads() {
    return reloads;
  }

  /** The call guard, for tests that drive its watchdog with a fake clock. */
  PluginGuard guard() {
    return guard;
  }

  /** A loaded plug-in, for tests that wait for its heartbeat. */
  HostedPlugin hosted(String id) {
    return require(id);
  }

  /**
   * Every plug-in, loaded or refused, as operators see them: the current version of each id first,
   * then versions still draining, superseded files and refused ones.
   */
  public List<PluginView> plugins() {
    List<PluginView> views = new ArrayList<>();
    plugins.values().forEach(p -> views.add(p.view()));
    reloads.draining().forEach(p -> views.add(p.view()));
    views.addAll(reloads.supersededViews());
    for (PluginProblem problem : problems) {
      views.add(
          new PluginView(
              problem.pluginId(),
              "",
              problem.file(),
              PluginStatus.ERROR,
              problem.hresult(),
              problem.describe(),
              "",
              "",
              0,
              Set.of(),
              "",
              PluginView.NO_SIGNER,
              PluginView.REFUSED));
    }
    return views;
  }

  /** How many plug-ins are loaded and enabled, and how many files were refused. */
  public PluginCounts counts() {
    int loaded = 0;
    int enabled = 0;
    Set<Path> refused = new LinkedHashSet<>();
    for (HostedPlugin p : plugins.values()) {
      if ((p.status() & PluginStatus.LOADED) != 0) {
        loaded++;
      } else {
        // Its file was read but its class could not be made: refused as much as a bad JAR.
        refused.add(p.descriptor().file());
      }
      if (p.isEnabled()) {
        enabled++;
      }
    }
    // One problem each for those (their failure event), and each refused file's own.
    int problemCount = refused.size() + problems.size();
    problems.forEach(problem -> refused.add(problem.file()));
    return new PluginCounts(loaded, enabled, refused.size(), problemCount);
  }

  /**
   * Why plug-ins were refused at load (descriptor, entry point, duplicate id, ...), oldest first.
   */
  public List<PluginProblem> problems() {
    return List.copyOf(problems);
  }

  /**
   * The class loader of a loaded plug-in: who created a thread (its context class loader), and
   * whether the loader can be collected once the plug-in is unloaded (the contract kit's checks).
   */
  public ClassLoader classLoader(String id) {
    return require(id).classLoader();
  }

  /**
   * The query parameters that carry a loaded plug-in's credential in a request URL (API 1.4): the
   * operator's {@code urlCredentials} where set, else what the descriptor declares; empty for none
   * and for a plug-in that is not loaded.
   */
  public List<String> urlCredentials(String id) {
    HostedPlugin hosted = plugins.get(id);
    if (hosted == null) {
      return List.of();
    }
    List<String> configured = config.plugins().settingsOf(id).urlCredentials();
    return configured != null ? configured : hosted.descriptor().urlCredentials();
  }

  /**
   * Every query parameter that some loaded plug-in's credential travels in ({@link
   * #urlCredentials}), enabled or not: what the host removes from every URL it forwards or logs.
   */
  public Set<String> everyUrlCredential() {
    Set<String> names = new HashSet<>();
    for (String id : plugins.keySet()) {
      names.addAll(urlCredentials(id));
    }
    return names;
  }

  /**
   * What the version in service of {@code id} declares in its descriptor: its API version ({@code
   * major.minor}) and the capabilities it asks for; empty when no version is in service.
   */
  public Optional<Declared> declared(String id) {
    HostedPlugin p = plugins.get(id);
    if (p == null) {
      return Optional.empty();
    }
    PluginDescriptor d = p.descriptor();
    return Optional.of(
        new Declared(
            d.apiVersion().toString(), d.description(), d.nonBlocking(), d.capabilities()));
  }

  /** {@link #declared}'s answer. */
  public record Declared(
      String apiVersion,
      String description,
      boolean nonBlocking,
      Set<org.authhost.api.Capability> capabilities) {}

  /** One plug-in's view. */
  public Optional<PluginView> plugin(String id) {
    return plugins().stream().filter(v -> v.id().equals(id)).findFirst();
  }

  /**
   * The authentication plug-ins a client may be offered, in WMS selection order: those flagged
   * anonymous first, then the others, each group in configured order. Each publishing point offers
   * at most one of the anonymous ones (see {@code AuthenticationDriver}): the first in its own
   * list, or in this order where it names none; a plug-in filtered out here could never be that
   * one. A plug-in in error is never among them, nor one with a call past its time limit: the host
   * fails closed.
   */
  public List<PluginView> offeredAuthenticationPlugins() {
    Map<String, HostedPlugin> now = plugins;
    Offer last = offer;
    if (last != null && last.isCurrent(now)) {
      return last.views();
    }
    // Each plug-in's status is read once, and the list is built from those very values: a change
    // while it is built then differs from what the list records, and the next call rebuilds it.
    Offer next = Offer.of(now);
    List<PluginView> anonymous = new ArrayList<>();
    List<PluginView> others = new ArrayList<>();
    for (int i = 0; i < next.plugins().length; i++) {
      HostedPlugin p = next.plugins()[i];
      if (p.authentication() == null
          || next.statuses()[i] != (PluginStatus.LOADED | PluginStatus.ENABLED)
          || next.wedged()[i]) {
        continue;
      }
      (AuthenticationFlags.has(next.flags()[i], AuthenticationFlags.ANONYMOUS) ? anonymous : others)
          .add(p.view());
    }
    List<PluginView> offered = new ArrayList<>(anonymous);
    offered.addAll(others);
    next = next.with(List.copyOf(offered));
    offer = next;
    return next.views();
  }

  /**
   * The offer list as last built, with what it was built from. Every request asks for it, and it
   * changes only when a plug-in's state does: rebuilding it each time was a measurable share of the
   * serving CPU. It is current while the plug-in map is the same object and every plug-in still has
   * the status, wedged mark, flags and protocol the list was built from.
   */
  private record Offer(
      Map<String, HostedPlugin> from,
      HostedPlugin[] plugins,
      int[] statuses,
      boolean[] wedged,
      int[] flags,
      String[] protocols,
      List<PluginView> views) {

    static Offer of(Map<String, HostedPlugin> from) {
      HostedPlugin[] all = from.values().toArray(HostedPlugin[]::new);
      int[] statuses = new int[all.length];
      boolean[] wedged = new boolean[all.length];
      int[] flags = new int[all.length];
      String[] protocols = new String[all.length];
      for (int i = 0; i < all.length; i++) {
        statuses[i] = all[i].status();
        wedged[i] = all[i].wedged();
        flags[i] = all[i].flags();
        protocols[i] = all[i].protocol();
      }
      return new Offer(from, all, statuses, wedged, flags, protocols, List.of());
    }

    Offer with(List<PluginView> built) {
      return new Offer(from, plugins, statuses, wedged, flags, protocols, built);
    }

    boolean isCurrent(Map<String, HostedPlugin> now) {
      if (now != from) {
        return false;
      }
      for (int i = 0; i < plugins.length; i++) {
        HostedPlugin p = plugins[i];
        if (p.status() != statuses[i]
            || p.wedged() != wedged[i]
            || p.flags() != flags[i]
            || p.protocol() != protocols[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /** {@link #session(String)}, as a completed future. */
  public CompletableFuture<AuthenticationSession> openSession(String pluginId) {
    return CompletableFuture.completedFuture(session(pluginId));
  }

  /**
   * A new session with one plug-in; its context is created on the first leg, where the plug-in's
   * calls run (its bulkhead, or inline for a non-blocking plug-in). A session with an unknown,
   * unusable or non-authentication plug-in answers {@code ERROR}.
   */
  public AuthenticationSession session(String pluginId) {
    while (true) {
      HostedPlugin plugin = plugins.get(pluginId);
      HResult unusable =
          plugin == null
              ? HResult.E_INVALIDARG
              : plugin.authentication() == null
                  ? HResult.E_NOINTERFACE
                  : !plugin.isUsable() ? HResult.NS_E_CRITICAL_ERROR : null;
      AuthenticationSession session =
          new AuthenticationSession(
              plugin, guard, tokens, scheduler, config.plugins().callbackTimeoutMillis(), unusable);
      // Counted with its version, whose drain waits for it. A version that finished draining
      // between the look-up and here was replaced: the current one is looked up again.
      if (unusable != null || plugin.admit(session)) {
        return session;
      }
    }
  }

  /**
   * The operator's "enable" ({@code IWMSPlugin.Enabled = true}); no swap of the plug-in runs at the
   * same time, and a later version is enabled too.
   */
  public PluginView enable(String id) {
    return reloads.operatorChoice(id, true, () -> enableNow(id));
  }

  private PluginView enableNow(String id) {
    HostedPlugin plugin = require(id);
    refuseIfWedged(plugin);
    if (plugin.isEnabled()) {
      return plugin.view();
    }
    plugin.awaitDisableAfterFailure();
    // That DisablePlugin may itself have run past its time limit, which wedges the plug-in.
    refuseIfWedged(plugin);
    plugin.clearError();
    plugin.starting(true);
    try {
      // InitializePlugin runs once per instance (WMS); a plug-in whose description failed is
      // asked again.
      if (plugin.initialized() ? describe(plugin) : initialize(plugin)) {
        enable(plugin);
      }
    } finally {
      plugin.starting(false);
    }
    return plugin.view();
  }

  /**
   * The operator's "disable" ({@code IWMSPlugin.Enabled = false}); also clears ErrorText. No swap
   * of the plug-in runs at the same time, and a later version (a replacement, a reload, a rollback)
   * stays disabled too until the operator enables it.
   */
  public PluginView disable(String id) {
    return reloads.operatorChoice(id, false, () -> disableNow(id, "disabled by the operator"));
  }

  /**
   * The host's own restart of {@code id} when the shared state store it keeps state in lost its
   * data: out of service now ({@link #resumeAfterStoreReset} puts it back), told as the host's
   * doing, and not recorded as the operator's choice.
   */
  public PluginView suspendForStoreReset(String id) {
    return reloads.hostChange(
        id,
        () ->
            disableNow(
                id,
                "taken out of service by the host: the shared state store lost its data, and the"
                    + " plug-in restarts afresh on it"));
  }

  /**
   * Enables {@code id} again after {@link #suspendForStoreReset}, or after its enable failed while
   * the shared state store could not be reached; not recorded as the operator's choice.
   */
  public PluginView resumeAfterStoreReset(String id) {
    return reloads.hostChange(id, () -> enableNow(id));
  }

  /**
   * The host's own restart of {@code id} when the instance in service was enabled before the shared
   * state store lost its data: after any change of the plug-in still running (an enable that ran
   * across the store's reset), and only if {@code stale} still holds. An enabled plug-in is
   * disabled and enabled again; one whose enable failed on the store, and that should be enabled,
   * is enabled. Not recorded as the operator's choice.
   */
  public java.util.Optional<PluginView> restartForStoreReset(
      String id, java.util.function.BooleanSupplier stale) {
    return reloads.hostChange(
        id,
        () -> {
          HostedPlugin plugin = require(id);
          if (!stale.getAsBoolean()) {
            return java.util.Optional.<PluginView>empty();
          }
          if (plugin.isEnabled()) {
            disableNow(
                id,
                "taken out of service by the host: the shared state store lost its data while it"
                    + " was being enabled, and the plug-in restarts afresh on it");
            if (!cleanlyOut(plugin)) {
              // Its DisablePlugin failed (or hung): it is out of service, in error, with the
              // guard's event naming it; enabling it again would hide that from the operator.
              return java.util.Optional.of(plugin.view());
            }
          } else if ((plugin.status() & PluginStatus.ERROR) == 0
              || !HResult.NS_E_NO_NEW_CONNECTIONS.equals(plugin.errorCode())
              || !wantsEnabled(id)) {
            return java.util.Optional.<PluginView>empty();
          }
          return java.util.Optional.of(enableNow(id));
        });
  }

  /** Out of service, and not because a call into it failed or hung: fit to be enabled again. */
  private static boolean cleanlyOut(HostedPlugin plugin) {
    return !plugin.isEnabled() && (plugin.status() & PluginStatus.ERROR) == 0 && !plugin.wedged();
  }

  /** Whether {@code id} should be enabled: as the operator last set it, else per host.json. */
  boolean wantsEnabled(String id) {
    return reloads.wantsEnabled(id);
  }

  private PluginView disableNow(String id, String why) {
    HostedPlugin plugin = require(id);
    plugin.heartbeat(null);
    boolean wasEnabled = plugin.isEnabled();
    // Out of service first, so a failing DisablePlugin is not answered with another one.
    plugin.disabled();
    if (wasEnabled) {
      HResult hr =
          guard.callAsync(plugin, DISABLE_PLUGIN, () -> plugin.instance().disable()).join();
      if (hr.failed()) {
        return plugin.view();
      }
    }
    events.host(
        EventLevel.INFORMATION,
        HostEvents.aboutPlugin(id),
        HResult.S_OK,
        "plug-in '" + id + "' " + why);
    return plugin.view();
  }

  /** The life-cycle calls the contract kit makes straight to a plug-in. */
  public enum DirectCall {
    ENABLE_PLUGIN,
    DISABLE_PLUGIN
  }

  /**
   * For the contract kit: {@code EnablePlugin} or {@code DisablePlugin} straight to the plug-in,
   * under the guard's time limit and failure handling but past the host's own bookkeeping, which
   * never sends a second {@code DisablePlugin} to a disabled plug-in and so would hide whether the
   * plug-in itself takes one (WMS may call it again). The host's view of the plug-in's state is
   * left as it was; the kit ends with the plug-in enabled, as the host believes it is.
   *
   * <p>Kit-only: the admin server never reaches this (it goes through {@link #enable} and {@link
   * #disable}), since a call past the host's bookkeeping would leave an operator looking at a state
   * the plug-in no longer has.
   */
  public HResult callDirectly(String id, DirectCall call) {
    HostedPlugin plugin = require(id);
    return switch (call) {
      case ENABLE_PLUGIN ->
          guard
              .callAsync(
                  plugin, "EnablePlugin", () -> plugin.instance().enable(new Out<>(Duration.ZERO)))
              .join();
      case DISABLE_PLUGIN ->
          guard.callAsync(plugin, DISABLE_PLUGIN, () -> plugin.instance().disable()).join();
    };
  }

  private static void refuseIfWedged(HostedPlugin plugin) {
    if (plugin.wedged()) {
      throw new IllegalStateException(
          "plug-in '"
              + plugin.id()
              + "' has a call that never returned; ./authhost plugins reload "
              + plugin.id()
              + " loads it afresh (or restart the host)");
    }
  }

  private HostedPlugin require(String id) {
    HostedPlugin plugin = plugins.get(id);
    if (plugin == null) {
      throw new NoSuchPluginException(
          "no loaded plug-in '" + id + "'; loaded: " + String.join(", ", plugins.keySet()));
    }
    return plugin;
  }

  private HostedPlugin startOne(PluginDescriptor descriptor) {
    return startOne(descriptor, reloads.nextGeneration());
  }

  /**
   * Loads, initializes and (per host.json) enables load {@code generation} of a plug-in, not yet
   * offered to anyone: null if its JAR was refused (a problem says why).
   */
  HostedPlugin startOne(PluginDescriptor descriptor, long generation) {
    return startOne(descriptor, generation, false);
  }

  /**
   * @param trial an instance that only tries new named values ({@link HostedPlugin#trial}): its
   *     failure to start refuses them and is not reported as the plug-in's failure
   */
  HostedPlugin startOne(PluginDescriptor descriptor, long generation, boolean trial) {
    HostedPlugin plugin = load(descriptor, generation);
    if (plugin == null) {
      return null;
    }
    plugin.trial(trial);
    // Its services take new work while the host brings it into service, also from threads it
    // starts in EnablePlugin before that call returns.
    plugin.starting(true);
    try {
      if ((plugin.status() & PluginStatus.ERROR) == 0
          && initialize(plugin)
          && reloads.wantsEnabled(plugin.id())) {
        enable(plugin);
      }
    } finally {
      plugin.starting(false);
    }
    return plugin;
  }

  private List<PluginDescriptor> ordered(List<PluginDescriptor> descriptors) {
    List<String> order = config.plugins().order();
    List<PluginDescriptor> sorted = new ArrayList<>(descriptors);
    sorted.sort(
        Comparator.comparingInt(
                (PluginDescriptor d) -> {
                  int i = order.indexOf(d.id());
                  return i < 0 ? Integer.MAX_VALUE : i;
                })
            .thenComparing(PluginDescriptor::id));
    return sorted;
  }

  void refuse(PluginProblem problem) {
    refuse(problem, true);
  }

  /**
   * Records why a file was refused; {@code tell} whether to write the ERROR too (a file refused
   * again for the same reason, as it was, is not reported twice).
   */
  void refuse(PluginProblem problem, boolean tell) {
    problems.add(problem);
    if (tell) {
      events.host(EventLevel.ERROR, HostEvents.HOST, problem.hresult(), problem.describe());
    }
  }

  /** Where plug-in JARs are staged, each load in a folder of its own. */
  Path workDirectory() {
    return config.dataDirectory().resolve("plugin-work");
  }

  /**
   * The one place where a JAR is admitted for loading, at start, at a reload and at a rollback
   * alike: {@code plugins.integrity} decides on the copy in the work folder, the very bytes the
   * class loader reads (and its bundled libraries come from), not on the file in the plug-in
   * folder, which may change between the scan's check and the copy. The scan's own check stays: it
   * refuses before anything of a JAR is read or staged. Refusing, it records its own problem (see
   * {@link #refuse}).
   *
   * @return the decision, with the staged copy's SHA-256 and signer, naming the plug-in folder's
   *     file
   */
  private Decision admitStaged(PluginDescriptor descriptor, Path stagedIn) throws IOException {
    Path staged = PluginStaging.jar(descriptor, stagedIn);
    if (integrity == null) {
      // Hosts assembled without the check (tests of other parts).
      return new Decision(
          "integrity/off",
          true,
          descriptor.file(),
          FileStamp.sha256(staged),
          "",
          "",
          "",
          HResult.S_OK);
    }
    Decision d = integrity.check(staged);
    String copy = staged.toString();
    String file = descriptor.file().toString();
    Decision named =
        new Decision(
            d.id(),
            d.admitted(),
            descriptor.file(),
            d.sha256(),
            d.signer(),
            d.admitted()
                ? d.reason()
                : d.reason().replace(copy, file)
                    + "; found on the copy staged for loading, so the file or the trust lists"
                    + " changed after the folder scan admitted it",
            d.fix().replace(copy, file),
            d.hresult());
    if (!named.admitted()) {
      refuse(named.problem(descriptor.id()));
    }
    return named;
  }

  /**
   * Runs just before an admitted JAR is copied to the work folder (tests: a swap at that point).
   */
  void beforeStaging(Consumer<PluginDescriptor> hook) {
    beforeStaging = hook;
  }

  /**
   * The named values an operator set while the host runs (the web console), per id: a new instance
   * (a reload, a replacement) is initialized with them rather than host.json's as read at start.
   */
  private final Map<String, Map<String, String>> operatorProperties = new ConcurrentHashMap<>();

  /** The named values a new instance of {@code id} is initialized with. */
  public Map<String, String> propertiesOf(String id) {
    Map<String, String> set = operatorProperties.get(id);
    return set != null ? set : config.plugins().settingsOf(id).properties();
  }

  /** Where the values of {@link #propertiesOf} are written: nowhere once the console set them. */
  private PropertyPlaces placesOf(String id) {
    return operatorProperties.containsKey(id)
        ? PropertyPlaces.NONE
        : config.plugins().settingsOf(id).propertyPlaces();
  }

  /** For {@link PluginReloads#reconfigure}: what the next instance of {@code id} gets. */
  void useProperties(String id, Map<String, String> properties) {
    operatorProperties.put(id, Collections.unmodifiableMap(new LinkedHashMap<>(properties)));
  }

  HostedPlugin load(PluginDescriptor descriptor, long generation) {
    CapabilityGrant grant = CapabilityGrant.of(descriptor, config.plugins());
    HostedPlugin plugin =
        new HostedPlugin(
            descriptor,
            new HostNamedValues(
                descriptor.id(), propertiesOf(descriptor.id()), placesOf(descriptor.id())),
            new Bulkhead(descriptor.id(), config.plugins().bulkheadOf(descriptor.id())),
            grant.held());
    // At each start: the operator is told what the plug-in holds before it can use any of it.
    for (CapabilityGrant.Warning warning : grant.warnings()) {
      events.host(
          EventLevel.WARNING,
          HostEvents.aboutPlugin(descriptor.id()),
          warning.hresult(),
          warning.text());
    }
    if (grant.warnings().isEmpty()) {
      log.info("{} holds the capabilities {}", plugin, CapabilityGrant.names(grant.held()));
    }
    String reserved = reservedClass(descriptor.file());
    if (reserved != null) {
      refuse(
          new PluginProblem(
              "plugin/reserved-package",
              descriptor.id(),
              descriptor.file(),
              HResult.NS_E_PLUGIN_CLSID_INVALID,
              "its class "
                  + reserved
                  + " is in "
                  + PluginClassLoader.reservedPackage(reserved)
                  + "*, a package of the host's or the JDK's",
              "move the plug-in's classes to a package of its own (e.g. com.example.yourplugin);"
                  + " none may be in "
                  + PluginClassLoader.RESERVED_PACKAGES.stream()
                      .map(p -> p + "*")
                      .collect(java.util.stream.Collectors.joining(", "))));
      return null;
    }
    PluginClassLoader loader;
    Class<?> entryPoint;
    try {
      // The file's size and time before it is copied: a change after this is a change the next
      // scan sees.
      FileStamp seen = FileStamp.peek(descriptor.file());
      beforeStaging.accept(descriptor);
      Path stagedIn = PluginStaging.folder(descriptor, workDirectory(), generation);
      List<URL> classPath = PluginStaging.stage(descriptor, workDirectory(), generation);
      Decision admitted = admitStaged(descriptor, stagedIn);
      if (!admitted.admitted()) {
        PluginStaging.deleteTree(stagedIn);
        return null;
      }
      FileStamp stamp =
          seen == null
              ? FileStamp.of(descriptor.file())
              : new FileStamp(
                  descriptor.file(), seen.size(), seen.modifiedMillis(), admitted.sha256());
      plugin.loadedFrom(generation, stamp, stagedIn, admitted.signer());
      loader = new PluginClassLoader(descriptor.id(), classPath);
      loader.onRefusal(call -> guard.refused(plugin, call));
    } catch (IOException e) {
      refuse(
          new PluginProblem(
              "plugin/unreadable-jar",
              descriptor.id(),
              descriptor.file(),
              HResult.E_BAD_FORMAT,
              "the JAR could not be copied to the work folder (" + ThrowableText.of(e) + ")",
              "check that the file is complete and that "
                  + config.dataDirectory()
                  + " is writable"));
      return null;
    }
    Constructor<?> constructor;
    try {
      entryPoint = Class.forName(descriptor.entryPoint(), false, loader);
      if (!BasicPlugin.class.isAssignableFrom(entryPoint)
          || Modifier.isAbstract(entryPoint.getModifiers())) {
        throw new ClassCastException(
            descriptor.entryPoint()
                + " is not a concrete class implementing "
                + BasicPlugin.class.getName());
      }
      constructor = entryPoint.getConstructor();
    } catch (ClassNotFoundException | LinkageError | ClassCastException | NoSuchMethodException e) {
      closeQuietly(loader);
      refuse(
          new PluginProblem(
              "plugin/bad-entry-point",
              descriptor.id(),
              descriptor.file(),
              HResult.NS_E_PLUGIN_CLSID_INVALID,
              "entry-point "
                  + descriptor.entryPoint()
                  + " cannot be used ("
                  + ThrowableText.of(e)
                  + ")",
              "set entry-point to a public class with a public no-argument constructor that implements "
                  + "org.authhost.api.BasicPlugin, packaged in this JAR"));
      return null;
    }
    plugin.attach(loader);
    Out<BasicPlugin> instance = new Out<>();
    HResult hr =
        guard
            .callAsync(
                plugin,
                "the constructor of " + entryPoint.getName(),
                () -> {
                  try {
                    instance.set((BasicPlugin) constructor.newInstance());
                    return HResult.S_OK;
                  } catch (InvocationTargetException e) {
                    // What the constructor threw, as it threw it: an Error stays an Error, so
                    // the event names it and its cause rather than a wrapper.
                    if (e.getCause() instanceof Error error) {
                      throw error;
                    }
                    throw e.getCause() instanceof Exception ex ? ex : e;
                  }
                })
            .join();
    eventLog.register(plugin);
    if (hr.failed()) {
      return plugin;
    }
    plugin.loaded(instance.get());
    if (descriptor.nonBlocking()) {
      log.info(
          "{} declares non-blocking=true: its client calls run on the connection's own thread",
          plugin);
    } else {
      log.info("{} runs its client calls on its own bulkhead: {}", plugin, plugin.bulkhead());
    }
    return plugin;
  }

  /**
   * The first class of the plug-in's JAR (its own, not its bundled libraries', which its loader
   * refuses as it meets them) in a reserved package, or null (also if the JAR cannot be read:
   * staging it says why).
   */
  private static String reservedClass(Path jar) {
    try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
      return file.stream()
          .map(java.util.jar.JarEntry::getName)
          .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .filter(n -> PluginClassLoader.reservedPackage(n) != null)
          .findFirst()
          .orElse(null);
    } catch (IOException unreadable) {
      return null;
    }
  }

  /** Reads protocol, package and flags once, after InitializePlugin: they never change. */
  private boolean describe(HostedPlugin plugin) {
    if (plugin.authentication() == null || !plugin.protocol().isEmpty()) {
      return true;
    }
    Out<String> protocol = new Out<>();
    Out<String> packageName = new Out<>();
    Out<Integer> flags = new Out<>(0);
    HResult hr =
        guard
            .callAsync(
                plugin, "GetProtocolName", () -> plugin.authentication().getProtocolName(protocol))
            .join();
    if (hr.succeeded()) {
      hr =
          guard
              .callAsync(
                  plugin,
                  "GetPackageName",
                  () -> plugin.authentication().getPackageName(packageName))
              .join();
    }
    if (hr.succeeded()) {
      hr =
          guard.callAsync(plugin, "GetFlags", () -> plugin.authentication().getFlags(flags)).join();
    }
    if (hr.succeeded() && (protocol.get() == null || protocol.get().isBlank())) {
      guard.failed(
          plugin, "GetProtocolName", HResult.E_POINTER, "GetProtocolName gave no protocol name");
      return false;
    }
    if (hr.succeeded() && !ProtocolName.isValid(protocol.get())) {
      guard.failed(
          plugin,
          "GetProtocolName",
          HResult.E_INVALIDARG,
          "GetProtocolName gave \""
              + ControlCharacters.escape(protocol.get())
              + "\", which is not an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~ only),"
              + " so no client could choose it; the plug-in in "
              + plugin.descriptor().file()
              + " is not enabled. Fix: have GetProtocolName give the scheme name alone, as"
              + " clients write it in the Authorization header (e.g. Basic)");
      return false;
    }
    if (hr.succeeded()) {
      int given = flags.get() == null ? 0 : flags.get();
      ApiVersion declared = plugin.descriptor().apiVersion();
      String ignored = LegacyProtocolFlags.ignored(declared, given);
      if (ignored != null) {
        // Silently serving without the flag would look like a working plug-in whose contexts
        // are somehow never kept.
        events.host(
            EventLevel.WARNING,
            HostEvents.aboutPlugin(plugin.descriptor().id()),
            HResult.E_INVALIDARG,
            "the plug-in in "
                + plugin.descriptor().file()
                + " sets "
                + ignored
                + " but declares api-version="
                + declared
                + ", so the host ignores the flag and serves it without. Fix: declare the"
                + " api-version that defines the flag in its authhost-plugin.properties");
      }
      plugin.describedAs(
          protocol.get(),
          packageName.get() == null ? "" : packageName.get(),
          LegacyProtocolFlags.apply(declared, protocol.get(), given));
    }
    return hr.succeeded();
  }

  private boolean initialize(HostedPlugin plugin) {
    if (plugin.instance() == null || plugin.wedged()) {
      return false;
    }
    int failuresBefore = plugin.failures();
    HResult hr =
        guard
            .callAsync(
                plugin,
                "InitializePlugin",
                () -> plugin.instance().initialize(server.forPlugin(plugin), plugin.namedValues()))
            .join();
    if (hr.succeeded()) {
      plugin.markInitialized();
    }
    // An ERROR logged during the call outweighs the S_OK it returned.
    return hr.succeeded() && plugin.failures() == failuresBefore && describe(plugin);
  }

  private void enable(HostedPlugin plugin) {
    Out<Duration> period = new Out<>(Duration.ZERO);
    int failuresBefore = plugin.failures();
    HResult hr =
        guard.callAsync(plugin, "EnablePlugin", () -> plugin.instance().enable(period)).join();
    if (hr.failed() || !plugin.enabled(failuresBefore)) {
      return;
    }
    Duration every = period.get();
    if (every != null && every.compareTo(HEARTBEAT_FLOOR) > 0) {
      // Millisecond precision, as WMS keeps the period.
      Duration millis = Duration.ofMillis(every.toMillis());
      plugin.heartbeat(
          scheduler.scheduleWithFixedDelay(
              () -> {
                if (plugin.isUsable() && plugin.heartbeatIdle()) {
                  plugin.heartbeatStarted(
                      guard.callAsync(
                          plugin, "OnHeartbeat", () -> plugin.instance().onHeartbeat()));
                }
              },
              millis,
              millis));
    }
  }

  /** After a recorded failure: stop heartbeats and tell the plug-in, without reporting twice. */
  private void disableAfterFailure(HostedPlugin plugin, HResult reason) {
    plugin.heartbeat(null);
    BasicPlugin instance = plugin.instance();
    plugin.disablingAfterFailure(
        instance == null
            ? CompletableFuture.completedFuture(HResult.S_OK)
            : guard.callQuietly(plugin, DISABLE_PLUGIN, instance::disable));
  }

  private static void closeQuietly(PluginClassLoader loader) {
    try {
      loader.close();
    } catch (IOException ignored) {
      // Nothing was loaded from it.
    }
  }

  @Override
  public String toString() {
    return "the plug-in host{" + state() + "}";
  }
}
