package org.authhost.host.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One plug-in's settings.
 *
 * @param enabled whether the host enables it at start (WMS {@code IWMSPlugin.Enabled})
 * @param properties its named values, handed over in {@code initialize}
 * @param workers its own bulkhead's threads, or null for {@code plugins.workers}
 * @param queue its own bulkhead's queue, or null for {@code plugins.queue}
 * @param maxLeakedThreads its own ceiling of stuck threads, or null for {@code
 *     plugins.maxLeakedThreads}
 */
public record PluginSettings(
    boolean enabled,
    Map<String, String> properties,
    Integer workers,
    Integer queue,
    Integer maxLeakedThreads) {
  /** Enabled, no properties, the default bulkhead. */
  public static final PluginSettings DEFAULT = new PluginSettings(true, Map.of());

  /** With the default bulkhead. */
  public PluginSettings(boolean enabled, Map<String, String> properties) {
    this(enabled, properties, null, null, null);
  }

  public PluginSettings {
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }
}
