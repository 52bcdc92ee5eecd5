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
 */
public record PluginsConfig(
    Path directory,
    long callTimeoutMillis,
    long callbackTimeoutMillis,
    List<String> order,
    Map<String, PluginSettings> settings) {

  public PluginsConfig {
    order = List.copyOf(order);
    settings = Map.copyOf(settings);
  }

  /**
   * The settings of one plug-in; a plug-in the file does not name is enabled with no properties.
   */
  public PluginSettings settingsOf(String pluginId) {
    return settings.getOrDefault(pluginId, PluginSettings.DEFAULT);
  }
}
