package org.authhost.host.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.authhost.api.Capability;

/**
 * One plug-in's settings.
 *
 * @param enabled whether the host enables it at start (WMS {@code IWMSPlugin.Enabled})
 * @param properties its named values, handed over in {@code initialize}
 * @param workers its own bulkhead's threads, or null for {@code plugins.workers}
 * @param queue its own bulkhead's queue, or null for {@code plugins.queue}
 * @param maxLeakedThreads its own ceiling of stuck threads, or null for {@code
 *     plugins.maxLeakedThreads}
 * @param capabilities the capabilities the operator grants it ({@code capabilities}), or null when
 *     the file lists none for it (see {@link PluginsConfig#requireGrants()})
 * @param urlCredentials the query parameters that carry its credential in a request URL ({@code
 *     urlCredentials}, API 1.4), replacing what its descriptor declares; an empty list turns the
 *     URL route off; null when the file says nothing (the descriptor's list holds)
 * @param propertyPlaces where each property's name is written ({@code /path/host.json:12:5}), and
 *     where an unwritten one belongs, so that a value the plug-in refuses or misses can be pointed
 *     at; not part of the settings' equality
 */
public record PluginSettings(
    boolean enabled,
    Map<String, String> properties,
    Integer workers,
    Integer queue,
    Integer maxLeakedThreads,
    Set<Capability> capabilities,
    List<String> urlCredentials,
    PropertyPlaces propertyPlaces) {
  /** Enabled, no properties, the default bulkhead, no grants listed. */
  public static final PluginSettings DEFAULT = new PluginSettings(true, Map.of());

  /** With the default bulkhead and no grants listed. */
  public PluginSettings(boolean enabled, Map<String, String> properties) {
    this(enabled, properties, null, null, null, null);
  }

  /** Saying nothing about query parameters: the descriptor's list holds. */
  public PluginSettings(
      boolean enabled,
      Map<String, String> properties,
      Integer workers,
      Integer queue,
      Integer maxLeakedThreads,
      Set<Capability> capabilities) {
    this(enabled, properties, workers, queue, maxLeakedThreads, capabilities, null);
  }

  /** Not read from a file: no property has a place. */
  public PluginSettings(
      boolean enabled,
      Map<String, String> properties,
      Integer workers,
      Integer queue,
      Integer maxLeakedThreads,
      Set<Capability> capabilities,
      List<String> urlCredentials) {
    this(enabled, properties, workers, queue, maxLeakedThreads, capabilities, urlCredentials, null);
  }

  public PluginSettings {
    urlCredentials = urlCredentials == null ? null : List.copyOf(urlCredentials);
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    propertyPlaces = propertyPlaces == null ? PropertyPlaces.NONE : propertyPlaces;
    if (capabilities != null) {
      capabilities =
          capabilities.isEmpty()
              ? Set.of()
              : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
    }
  }

  // Where a value is written is not what it is: the same settings moved in the file are equal.
  @Override
  public boolean equals(Object o) {
    return o instanceof PluginSettings other
        && enabled == other.enabled
        && properties.equals(other.properties)
        && Objects.equals(workers, other.workers)
        && Objects.equals(queue, other.queue)
        && Objects.equals(maxLeakedThreads, other.maxLeakedThreads)
        && Objects.equals(capabilities, other.capabilities)
        && Objects.equals(urlCredentials, other.urlCredentials);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        enabled, properties, workers, queue, maxLeakedThreads, capabilities, urlCredentials);
  }
}
