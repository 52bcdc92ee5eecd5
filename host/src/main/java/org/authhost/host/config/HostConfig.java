package org.authhost.host.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The host's whole configuration, as read from {@code host.json} in the configuration folder. Made
 * by {@link #builder()} (the binder, tests), or from another one by {@link #toBuilder()}.
 *
 * @param configDirectory the folder it was read from; relative paths in the file resolve against it
 * @param serverName {@code WMS_SERVER_NAME}
 * @param dataDirectory where the host keeps its state (event log, admin endpoint file, machine SID)
 * @param plugins plug-in discovery, time limits and per-plug-in settings
 * @param eventLog the durable event log
 * @param admin the loopback endpoint the command line uses to reach a running host
 * @param http the HTTP(S) front
 * @param accounts the local account store
 * @param security server-wide IP lists and logon throttling
 * @param publishingPoints what is served, by URL prefix
 * @param integrations the endpoints streaming servers call to authenticate their clients
 * @param rtsp the RTSP front ({@link RtspConfig#OFF} unless configured)
 * @param state the host's in-memory state store ({@link StateConfig#DEFAULT} unless configured)
 * @param console the operator's web console ({@link ConsoleConfig#OFF} unless configured)
 * @param metrics the Prometheus listener ({@link MetricsConfig#OFF} unless configured)
 */
public record HostConfig(
    Path configDirectory,
    String serverName,
    Path dataDirectory,
    PluginsConfig plugins,
    EventLogConfig eventLog,
    AdminConfig admin,
    HttpConfig http,
    AccountsConfig accounts,
    SecurityConfig security,
    List<PublishingPointConfig> publishingPoints,
    IntegrationsConfig integrations,
    RtspConfig rtsp,
    StateConfig state,
    ConsoleConfig console,
    MetricsConfig metrics) {

  public HostConfig {
    publishingPoints = List.copyOf(publishingPoints);
    integrations = integrations == null ? IntegrationsConfig.NONE : integrations;
    rtsp = rtsp == null ? RtspConfig.OFF : rtsp;
    state = state == null ? StateConfig.DEFAULT : state;
    console = console == null ? ConsoleConfig.OFF : console;
    metrics = metrics == null ? MetricsConfig.OFF : metrics;
  }

  /** A configuration to fill in: the sections a file may leave out take their defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** This configuration, to change a section or two: what tests and the binder use. */
  public Builder toBuilder() {
    return new Builder()
        .configDirectory(configDirectory)
        .serverName(serverName)
        .dataDirectory(dataDirectory)
        .plugins(plugins)
        .eventLog(eventLog)
        .admin(admin)
        .http(http)
        .accounts(accounts)
        .security(security)
        .publishingPoints(publishingPoints)
        .integrations(integrations)
        .rtsp(rtsp)
        .state(state)
        .console(console)
        .metrics(metrics);
  }

  /**
   * Builds a {@link HostConfig} one section at a time, so that a caller names what it sets and a
   * new section does not change every caller. Unset optional sections ({@code integrations}, {@code
   * rtsp}, {@code state}, {@code console}, {@code metrics}) are off or at their defaults, as when
   * the file leaves them out; {@code publishingPoints} is empty.
   */
  public static final class Builder {
    private Path configDirectory;
    private String serverName;
    private Path dataDirectory;
    private PluginsConfig plugins;
    private EventLogConfig eventLog;
    private AdminConfig admin;
    private HttpConfig http;
    private AccountsConfig accounts;
    private SecurityConfig security;
    private List<PublishingPointConfig> publishingPoints = List.of();
    private IntegrationsConfig integrations;
    private RtspConfig rtsp;
    private StateConfig state;
    private ConsoleConfig console;
    private MetricsConfig metrics;

    private Builder() {}

    public Builder configDirectory(Path value) {
      configDirectory = value;
      return this;
    }

    public Builder serverName(String value) {
      serverName = value;
      return this;
    }

    public Builder dataDirectory(Path value) {
      dataDirectory = value;
      return this;
    }

    public Builder plugins(PluginsConfig value) {
      plugins = value;
      return this;
    }

    public Builder eventLog(EventLogConfig value) {
      eventLog = value;
      return this;
    }

    public Builder admin(AdminConfig value) {
      admin = value;
      return this;
    }

    public Builder http(HttpConfig value) {
      http = value;
      return this;
    }

    public Builder accounts(AccountsConfig value) {
      accounts = value;
      return this;
    }

    public Builder security(SecurityConfig value) {
      security = value;
      return this;
    }

    public Builder publishingPoints(List<PublishingPointConfig> value) {
      publishingPoints = value;
      return this;
    }

    public Builder integrations(IntegrationsConfig value) {
      integrations = value;
      return this;
    }

    public Builder rtsp(RtspConfig value) {
      rtsp = value;
      return this;
    }

    public Builder state(StateConfig value) {
      state = value;
      return this;
    }

    public Builder console(ConsoleConfig value) {
      console = value;
      return this;
    }

    public Builder metrics(MetricsConfig value) {
      metrics = value;
      return this;
    }

    public HostConfig build() {
      return new HostConfig(
          configDirectory,
          serverName,
          dataDirectory,
          plugins,
          eventLog,
          admin,
          http,
          accounts,
          security,
          publishingPoints,
          integrations,
          rtsp,
          state,
          console,
          metrics);
    }
  }
}
