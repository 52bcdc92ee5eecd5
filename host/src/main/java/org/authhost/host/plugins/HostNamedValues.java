package org.authhost.host.plugins;

import java.util.Map;
import java.util.Optional;
import org.authhost.api.NamedValues;

/** A plug-in's named values; the host knows a plug-in by the identity of this object. */
final class HostNamedValues implements NamedValues {
  private final String pluginId;
  private final Map<String, String> values;
  private final Map<String, String> places;

  HostNamedValues(String pluginId, Map<String, String> values) {
    this(pluginId, values, Map.of());
  }

  /**
   * @param places where each value is written in the configuration file (none for values set
   *     through the console)
   */
  HostNamedValues(String pluginId, Map<String, String> values, Map<String, String> places) {
    this.pluginId = pluginId;
    this.values = values;
    this.places = places;
  }

  /** Where the value {@code thrown} refuses is written, for the failure event; or {@code ""}. */
  String placeOfRefused(Throwable thrown) {
    return RefusedNamedValue.hint(thrown, places);
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  @Override
  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return "NamedValues[" + pluginId + "]";
  }
}
