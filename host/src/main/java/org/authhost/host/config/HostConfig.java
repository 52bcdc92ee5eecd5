package org.authhost.host.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The host's whole configuration, as read from {@code host.json} in the configuration folder.
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

  /** Without a console or a metrics listener. */
  public HostConfig(
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
      StateConfig state) {
    this(
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
        ConsoleConfig.OFF,
        MetricsConfig.OFF);
  }

  /** With the state store at its defaults. */
  public HostConfig(
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
      RtspConfig rtsp) {
    this(
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
        StateConfig.DEFAULT);
  }

  /** Without an RTSP front. */
  public HostConfig(
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
      IntegrationsConfig integrations) {
    this(
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
        RtspConfig.OFF);
  }

  /** Without integrations. */
  public HostConfig(
      Path configDirectory,
      String serverName,
      Path dataDirectory,
      PluginsConfig plugins,
      EventLogConfig eventLog,
      AdminConfig admin,
      HttpConfig http,
      AccountsConfig accounts,
      SecurityConfig security,
      List<PublishingPointConfig> publishingPoints) {
    this(
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
        IntegrationsConfig.NONE);
  }
}
