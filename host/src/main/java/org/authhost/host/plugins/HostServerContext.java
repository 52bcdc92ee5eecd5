package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.authhost.api.EventLog;
import org.authhost.api.ServerContext;
import org.authhost.api.TokenService;
import org.authhost.host.config.HostConfig;
import org.authhost.host.tokens.TokenTable;

/**
 * The server context ({@code pServerContext}). Each plug-in gets its own, see {@link #forPlugin},
 * whose token service issues handles only that plug-in can use.
 */
@Singleton
final class HostServerContext implements ServerContext {
  static final String HOST_VERSION = versionOf(HostServerContext.class);

  private final String serverName;
  private final EventLog eventLog;
  private final TokenTable table;
  private final TokenService tokens;
  private volatile boolean shuttingDown;

  @Inject
  HostServerContext(HostConfig config, HostEventLog eventLog, TokenTable tokens) {
    this.serverName = config.serverName();
    this.eventLog = eventLog;
    this.table = tokens;
    this.tokens = tokens;
  }

  /** The context one plug-in is initialized with. */
  ServerContext forPlugin(String pluginId) {
    TokenService own = table.serviceFor(pluginId);
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
        return server.eventLog();
      }

      @Override
      public TokenService tokenService() {
        return own;
      }

      @Override
      public boolean isShuttingDown() {
        return server.isShuttingDown();
      }
    };
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

  void shuttingDown() {
    shuttingDown = true;
  }

  private static String versionOf(Class<?> type) {
    String v = type.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
