package org.authhost.host;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.util.Modules;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.admin.AdminServer;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.diagnostics.TroubleshootingList;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.time.ExecutorScheduler;
import org.authhost.host.tokens.TokenTable;

/** The whole host: event log, plug-ins and the admin endpoint, started and stopped together. */
public final class AuthHost extends LifeCycle {
  private final HostConfig config;
  private final EventLogStore store;
  private final HostEvents events;
  private final PluginHost plugins;
  private final AdminServer admin;
  private final org.authhost.host.http.HttpFront http;
  private final TroubleshootingList troubleshooting;
  private final TokenTable tokens;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final ExecutorScheduler scheduler;

  @Inject
  AuthHost(HostConfig config, EventLogStore store, HostEvents events, PluginHost plugins,
      AdminServer admin, org.authhost.host.http.HttpFront http, TroubleshootingList troubleshooting,
      TokenTable tokens,
      @Named("plugin-workers") ExecutorService workers,
      @Named("heartbeats") ScheduledExecutorService timer, ExecutorScheduler scheduler) {
    this.config = config;
    this.store = store;
    this.events = events;
    this.plugins = plugins;
    this.admin = admin;
    this.http = http;
    this.troubleshooting = troubleshooting;
    this.tokens = tokens;
    this.workers = workers;
    this.timer = timer;
    this.scheduler = scheduler;
  }

  /** A host for this configuration, not yet started. */
  public static AuthHost create(HostConfig config) {
    return create(config, Modules.EMPTY_MODULE);
  }

  /** A host whose bindings {@code overrides} replaces (tests: a fake clock). */
  public static AuthHost create(HostConfig config, Module overrides) {
    Injector injector = Guice.createInjector(Stage.PRODUCTION,
        Modules.override(new HostModule(config)).with(overrides));
    return injector.getInstance(AuthHost.class);
  }

  @Override
  protected void doStart() throws Exception {
    events.host(EventLevel.INFORMATION, HostEvents.HOST, HResult.S_OK,
        "host '" + config.serverName() + "' starting with configuration " + config.configDirectory());
    scheduler.start();
    plugins.start();
    admin.start();
    http.start();
    events.host(EventLevel.INFORMATION, HostEvents.HOST, HResult.S_OK,
        "host ready: " + plugins.plugins().size() + " plug-in(s), admin endpoint on port " + admin.port());
  }

  @Override
  protected void doStop() throws Exception {
    http.stop();
    admin.stop();
    plugins.stop();
    events.host(EventLevel.INFORMATION, HostEvents.HOST, HResult.S_OK, "host stopped");
    timer.shutdownNow();
    scheduler.stop();
    workers.shutdownNow();
    workers.awaitTermination(1, TimeUnit.SECONDS);
    store.close();
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
  public org.authhost.host.http.HttpFront http() {
    return http;
  }

  /** The admin endpoint's port, once started. */
  public int adminPort() {
    return admin.port();
  }
}
