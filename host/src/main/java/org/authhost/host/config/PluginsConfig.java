package org.authhost.host.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where plug-ins come from and how long the host waits for them.
 *
 * @param directory the folder scanned for plug-in JARs
 * @param callTimeoutMillis the longest a single plug-in method may run
 * @param callbackTimeoutMillis the longest the host waits for {@code OnAuthenticateComplete}
 * @param order plug-in ids in the order their challenges are offered (WMS selection order);
 *     plug-ins not named follow in id order
 * @param settings per plug-in id: whether it is enabled and its named values
 * @param bulkhead every plug-in's bulkhead unless its settings say otherwise ({@code
 *     plugins.workers}, {@code queue}, {@code maxLeakedThreads})
 * @param requireGrants {@code plugins.requireGrants}: true, a plug-in built for API 1.3 or later
 *     holds only the declared capabilities that its {@code capabilities} setting lists (none if it
 *     has no such setting); false (the default), one without the setting holds what it declares. A
 *     listed setting always limits what it holds.
 * @param reload how the host follows the plug-in folder while it runs ({@code plugins.watch},
 *     {@code rescanSeconds}, {@code drainSeconds}, {@code unloadCheckSeconds})
 * @param integrity {@code plugins.integrity}: which JARs the host agrees to load
 */
public record PluginsConfig(
    Path directory,
    long callTimeoutMillis,
    long callbackTimeoutMillis,
    List<String> order,
    Map<String, PluginSettings> settings,
    BulkheadSettings bulkhead,
    boolean requireGrants,
    ReloadSettings reload,
    IntegrityConfig integrity) {

  public PluginsConfig {
    order = List.copyOf(order);
    settings = Map.copyOf(settings);
  }

  /** Following the folder with the default settings, integrity checks off. */
  public PluginsConfig(
      Path directory,
      long callTimeoutMillis,
      long callbackTimeoutMillis,
      List<String> order,
      Map<String, PluginSettings> settings,
      BulkheadSettings bulkhead,
      boolean requireGrants) {
    this(
        directory,
        callTimeoutMillis,
        callbackTimeoutMillis,
        order,
        settings,
        bulkhead,
        requireGrants,
        ReloadSettings.DEFAULT,
        IntegrityConfig.OFF);
  }

  /** With the default bulkhead, a plug-in's declaration standing for its grant. */
  public PluginsConfig(
      Path directory,
      long callTimeoutMillis,
      long callbackTimeoutMillis,
      List<String> order,
      Map<String, PluginSettings> settings) {
    this(
        directory,
        callTimeoutMillis,
        callbackTimeoutMillis,
        order,
        settings,
        BulkheadSettings.DEFAULT,
        false);
  }

  /** One plug-in's bulkhead: the default, with the plug-in's own values where it sets them. */
  public BulkheadSettings bulkheadOf(String pluginId) {
    PluginSettings own = settingsOf(pluginId);
    return bulkhead.with(own.workers(), own.queue(), own.maxLeakedThreads());
  }

  /**
   * The settings of one plug-in; a plug-in the file does not name is enabled with no properties.
   */
  public PluginSettings settingsOf(String pluginId) {
    return settings.getOrDefault(pluginId, PluginSettings.DEFAULT);
  }
}
