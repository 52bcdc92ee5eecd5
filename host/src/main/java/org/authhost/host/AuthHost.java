package org.authhost.host;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.util.Modules;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.access.LockoutFile;
import org.authhost.host.accounts.AccountPoller;
import org.authhost.host.admin.AdminServer;
import org.authhost.host.config.HostConfig;
import org.authhost.host.console.ConsoleServer;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.diagnostics.TroubleshootingList;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.http.HttpFront;
import org.authhost.host.lifecycle.CloseOnStop;
import org.authhost.host.lifecycle.ContainerLifeCycle;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.metrics.LiveFigures;
import org.authhost.host.metrics.MetricsListener;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.rtsp.RtspFront;
import org.authhost.host.state.HostState;
import org.authhost.host.time.Scheduler;
import org.authhost.host.tokens.TokenTable;

/**
 * The whole host: a container of its parts (event log, threads, plug-ins, admin endpoint, HTTP
 * front), started in the order they are added below and stopped in the reverse order, so that every
 * part has what it needs while it starts and while it stops; a start that fails part-way stops what
 * it had started and leaves the host FAILED, with the part's exception.
 */
public final class AuthHost extends ContainerLifeCycle {
  /**
   * The longest a stop takes, whatever the plug-ins do: calls waiting for a plug-in's thread are
   * answered at once, calls in progress get 2 s, DisablePlugin and ShutdownPlugin 1.5 s each (all
   * plug-ins at once), and what still runs is abandoned and recorded; the {@code run} command ends
   * the process when this much time has passed since the signal, whatever is still running.
   */
  public static final Duration STOP_BOUND = Duration.ofSeconds(10);

  private final HostConfig config;

  private final EventLogStore store;
  private final HostEvents events;
  private final PluginHost plugins;
  private final AdminServer admin;
  private final HttpFront http;
  private final RtspFront rtsp;
  private final TroubleshootingList troubleshooting;
  private final TokenTable tokens;
  private final ConsoleServer console;
  private final MetricsListener metrics;
  private final LiveFigures figures;

  @Inject
  AuthHost(
      HostConfig config,
      EventLogStore store,
      HostEvents events,
      PluginHost plugins,
      AdminServer admin,
      HttpFront http,
      RtspFront rtsp,
      TroubleshootingList troubleshooting,
      TokenTable tokens,
      Scheduler scheduler,
      AccountPoller accounts,
      LiveFigures figures,
      MetricsListener metrics,
      ConsoleServer console,
      HostState state,
      LockoutFile lockouts) {
    this.config = config;
    this.store = store;
    this.events = events;
    this.plugins = plugins;
    this.admin = admin;
    this.http = http;
    this.rtsp = rtsp;
    this.troubleshooting = troubleshooting;
    this.tokens = tokens;
    this.metrics = metrics;
    this.figures = figures;
    this.console = console;
    // Each part after those it uses while it starts or stops: the plug-ins' heartbeats and the
    // account poller need the scheduler; the HTTP front, last, serves only once the plug-ins are
    // in.
    addManaged(CloseOnStop.closing("the event log", store));
    // The scheduler is a part only when it has a life of its own (the production one's thread); a
    // fake clock that a test binds as the scheduler has none, and no real thread is started.
    if (scheduler instanceof LifeCycle managed) {
      addManaged(managed);
    }
    addManaged(new HostMilestones(config, events));
    addManaged(accounts);
    // The state store (Redis when configured) before the plug-ins: Digest reads its nonce key
    // from it while it enables.
    addManaged(state);
    // The lockouts in force before a restart, in force again before a client is served.
    addManaged(lockouts);
    addManaged(plugins);
    // Before any listener: a plug-in's refused setting ends the start as host.json's own mistakes.
    addManaged(new RefusedSettings(plugins));
    addManaged(admin);
    addManaged(http);
    addManaged(rtsp);
    // Counting goes on without them; they read what the parts before them count.
    addManaged(figures);
    addManaged(metrics);
    // Last: it shows what all the others do, and stops first.
    addManaged(console);
  }

  /** A host for this configuration, not yet started. */
  public static AuthHost create(HostConfig config) {
    return create(config, Modules.EMPTY_MODULE);
  }

  /** A host whose bindings {@code overrides} replaces (tests: a fake clock). */
  public static AuthHost create(HostConfig config, Module overrides) {
    Injector injector =
        Guice.createInjector(
            Stage.PRODUCTION, Modules.override(new HostModule(config)).with(overrides));
    return injector.getInstance(AuthHost.class);
  }

  /**
   * The host's services without the host itself: nothing is created until asked for, so no port is
   * opened. The contract kit drives one plug-in through them (its {@code PluginHost}, event log and
   * token table), exactly as a running host would.
   */
  public static Injector services(HostConfig config) {
    return services(config, Modules.EMPTY_MODULE);
  }

  /** {@link #services(HostConfig)} with bindings replaced (the kit: its fault injection). */
  public static Injector services(HostConfig config, Module overrides) {
    return Guice.createInjector(
        Stage.DEVELOPMENT, Modules.override(new HostModule(config)).with(overrides));
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    events.host(
        EventLevel.INFORMATION,
        HostEvents.HOST,
        HResult.S_OK,
        "host ready: "
            + plugins.counts().describe()
            + "; listening: "
            + listeners().stream().map(Listener::toString).collect(Collectors.joining(", ")));
  }

  /**
   * Before the parts stop (the HTTP front first): the plug-ins stop taking calls and answer those
   * waiting for a thread, while the connections that wait for those answers are still open.
   */
  @Override
  protected void doStop() throws Exception {
    try {
      plugins.stopTakingCalls();
    } finally {
      super.doStop();
    }
  }

  /**
   * What keeps a stop from ending, for the report of one that overran {@link #STOP_BOUND}: the
   * parts still stopping and the plug-in calls still running.
   */
  public List<String> unfinishedWork() {
    List<String> work = new ArrayList<>();
    for (LifeCycle part : parts()) {
      if (part.state() == State.STOPPING) {
        work.add("stopping " + part);
      }
    }
    work.addAll(plugins.callsInProgress());
    return work;
  }

  /**
   * The last record of a stop that overran {@link #STOP_BOUND}, written just before the process
   * ends: an ERROR event from the host, so the log does not end as if the host had stopped.
   */
  public void recordStopOverrun(String text) {
    events.host(EventLevel.ERROR, HostEvents.HOST, HResult.E_TIMEOUT, text);
  }

  public HostConfig config() {
    return config;
  }

  public PluginHost plugins() {
    return plugins;
  }

  public EventLogStore eventLog() {
    return store;
  }

  public TroubleshootingList troubleshooting() {
    return troubleshooting;
  }

  public TokenTable tokens() {
    return tokens;
  }

  /** The HTTP(S) front, once started: its ports. */
  public HttpFront http() {
    return http;
  }

  /** The RTSP(S) front, once started: its ports (-1 when off). */
  public RtspFront rtsp() {
    return rtsp;
  }

  /** The managed parts, in start order (for tests). */
  List<LifeCycle> managedParts() {
    return parts();
  }

  /** The web console, once started: its ports (-1 when off). */
  public ConsoleServer console() {
    return console;
  }

  /** The figures of the console's Now pane. */
  public LiveFigures liveFigures() {
    return figures;
  }

  /** The metrics listener's port, once started; -1 when off. */
  public int metricsPort() {
    return metrics.port();
  }

  /** The metrics listener's HTTPS port ({@code metrics.tls}), once started; -1 when off. */
  public int metricsTlsPort() {
    return metrics.tlsPort();
  }

  /**
   * The listeners that are on, once started ({@code http http://127.0.0.1:8080}, ...): HTTP, TLS,
   * RTSP, console, metrics and the admin endpoint, as the start banner and "host ready" list them.
   */
  public List<Listener> listeners() {
    return Listener.of(this);
  }

  /** The admin endpoint's port, once started. */
  public int adminPort() {
    return admin.port();
  }
}
