package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLog;
import org.authhost.api.ServerContext;
import org.authhost.api.StateService;
import org.authhost.api.TokenService;
import org.authhost.host.config.HostConfig;
import org.authhost.host.state.HostState;
import org.authhost.host.time.HostClock;
import org.authhost.host.tokens.TokenTable;

/**
 * The server context ({@code pServerContext}). Each plug-in gets its own, see {@link #forPlugin},
 * whose services go through that plug-in's {@link ServiceGate} and whose token service issues
 * handles only that plug-in can use.
 */
@Singleton
final class HostServerContext implements ServerContext {
  static final String HOST_VERSION = versionOf(HostServerContext.class);

  private final String serverName;
  private final String guestAccount;
  private final EventLog eventLog;
  private final TokenTable table;
  private final TokenService tokens;
  private final CredentialService credentials;
  private final Path pluginData;
  private final HostClock clock;
  private final StateService state;
  private final HostState hostState;
  private final PluginGuard guard;
  private final PluginFailures failures;
  private final PluginServices passage;
  private volatile boolean shuttingDown;

  @Inject
  HostServerContext(
      HostConfig config,
      HostEventLog eventLog,
      TokenTable tokens,
      CredentialService credentials,
      HostClock clock,
      HostState state,
      PluginGuard guard,
      PluginFailures failures,
      PluginServices passage,
      com.google.inject.Provider<PluginHost> plugins) {
    this.passage = passage;
    this.guard = guard;
    this.failures = failures;
    this.serverName = config.serverName();
    this.guestAccount = config.accounts().guestAccount();
    this.eventLog = eventLog;
    this.table = tokens;
    this.tokens = tokens;
    this.credentials = credentials;
    this.pluginData = config.dataDirectory().resolve("plugin-data");
    this.clock = clock;
    this.state = state.store();
    this.hostState = state;
    state.recoverWith(new StateResetRecovery(plugins));
  }

  /** The context one plug-in is initialized with: every service in it passes the plug-in's gate. */
  ServerContext forPlugin(HostedPlugin plugin) {
    String pluginId = plugin.id();
    GatedServices services =
        new GatedServices(
            new ServiceGate(plugin, guard, failures, this::isShuttingDown),
            plugin.namedValues(),
            passage.tokens(pluginId, table.serviceFor(pluginId)),
            credentials == null ? null : passage.credentials(pluginId, credentials),
            passage.eventLog(pluginId, eventLog));
    org.authhost.host.state.PluginState instanceState = hostState.forPlugin(pluginId);
    // Initialized while being enabled; each later enable of this instance marks it again.
    instanceState.enabling();
    plugin.whenStarting(instanceState::enabling);
    StateService ownState = passage.state(pluginId, instanceState);
    HostServerContext server = this;
    return new ServerContext() {
      @Override
      public String serverName() {
        return server.serverName();
      }

      @Override
      public String hostVersion() {
        return server.hostVersion();
      }

      @Override
      public EventLog eventLog() {
        return services.events();
      }

      @Override
      public TokenService tokenService() {
        return services.tokens();
      }

      @Override
      public StateService state() {
        // Asked for while being enabled (by EnablePlugin, or any thread then; not InitializePlugin
        // before it): a view that keeps this enable's life mark, so that what the plug-in builds
        // with it now is never used on a store emptied after it (a request in flight across the
        // store's reset). A view kept into a later enable is refused after a reset (an event
        // names the plug-in: HostState).
        return plugin.isStarting() && plugin.initialized()
            ? passage.state(pluginId, instanceState.ofThisEnable())
            : ownState;
      }

      @Override
      public boolean isShuttingDown() {
        return server.isShuttingDown();
      }

      @Override
      public CredentialService credentials() {
        return services.credentials();
      }

      @Override
      public Path dataDirectory() {
        return ownFolder(pluginId);
      }

      @Override
      public Clock clock() {
        return server.clock();
      }

      @Override
      public String guestAccount() {
        return server.guestAccount();
      }
    };
  }

  /** The plug-in's own folder, made on first use, owner-only where the file system allows. */
  private Path ownFolder(String pluginId) {
    Path folder = pluginData.resolve(pluginId);
    try {
      if (!Files.isDirectory(folder)) {
        Files.createDirectories(folder);
        try {
          Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
          // Permissions then follow the data folder's.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the plug-in data folder " + folder, e);
    }
    return folder;
  }

  @Override
  public String serverName() {
    return serverName;
  }

  @Override
  public String hostVersion() {
    return HOST_VERSION;
  }

  @Override
  public EventLog eventLog() {
    return eventLog;
  }

  @Override
  public TokenService tokenService() {
    return tokens;
  }

  @Override
  public boolean isShuttingDown() {
    return shuttingDown;
  }

  @Override
  public CredentialService credentials() {
    return credentials;
  }

  /** The host's own context has no plug-in folder; each plug-in's does (see {@link #forPlugin}). */
  @Override
  public Path dataDirectory() {
    return pluginData;
  }

  /** The host clock itself: a plug-in's nonce ages follow a test's fake clock too. */
  @Override
  public Clock clock() {
    return clock;
  }

  /** {@code accounts.guestAccount}, checked when the configuration was read. */
  @Override
  public String guestAccount() {
    return guestAccount;
  }

  void shuttingDown() {
    shuttingDown = true;
  }

  private static String versionOf(Class<?> type) {
    String v = type.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
