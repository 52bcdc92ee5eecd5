package org.authhost.host.plugins;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.authhost.api.EventLog;
import org.authhost.api.ServerContext;
import org.authhost.api.TokenService;
import org.authhost.host.config.HostConfig;
import org.authhost.host.tokens.TokenTable;

/** The server context handed to every plug-in ({@code pServerContext}). */
@Singleton
final class HostServerContext implements ServerContext {
  static final String HOST_VERSION = versionOf(HostServerContext.class);

  private final String serverName;
  private final EventLog eventLog;
  private final TokenService tokens;
  private volatile boolean shuttingDown;

  @Inject
  HostServerContext(HostConfig config, HostEventLog eventLog, TokenTable tokens) {
    this.serverName = config.serverName();
    this.eventLog = eventLog;
    this.tokens = tokens;
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
