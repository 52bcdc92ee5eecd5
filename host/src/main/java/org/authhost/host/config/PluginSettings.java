package org.authhost.host.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One plug-in's settings.
 *
 * @param enabled whether the host enables it at start (WMS {@code IWMSPlugin.Enabled})
 * @param properties its named values, handed over in {@code initialize}
 */
public record PluginSettings(boolean enabled, Map<String, String> properties) {
  /** Enabled, no properties. */
  public static final PluginSettings DEFAULT = new PluginSettings(true, Map.of());

  public PluginSettings {
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }
}
