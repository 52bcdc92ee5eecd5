package org.authhost.host.plugins;

import java.util.Map;
import java.util.Optional;
import org.authhost.api.NamedValues;
import org.authhost.host.config.PropertyPlaces;

/** A plug-in's named values; the host knows a plug-in by the identity of this object. */
final class HostNamedValues implements NamedValues {
  private final String pluginId;
  private final Map<String, String> values;
  private final PropertyPlaces places;

  /** The last value of the file the plug-in refused, or null: what a start reports. */
  private volatile RefusedNamedValue refused;

  HostNamedValues(String pluginId, Map<String, String> values) {
    this(pluginId, values, PropertyPlaces.NONE);
  }

  /**
   * @param places where each value is written in the configuration file (none for values set
   *     through the console)
   */
  HostNamedValues(String pluginId, Map<String, String> values, PropertyPlaces places) {
    this.pluginId = pluginId;
    this.values = values;
    this.places = places;
  }

  /**
   * Where the value {@code thrown} refuses is written, for the failure event, or {@code ""}; the
   * refusal is kept for {@link #refused()}.
   */
  String placeOfRefused(String method, Throwable thrown) {
    RefusedNamedValue value = RefusedNamedValue.of(pluginId, method, thrown, places);
    if (value == null) {
      return "";
    }
    refused = value;
    return value.hint();
  }

  /** The value of the configuration file the plug-in last refused, or null. */
  RefusedNamedValue refused() {
    return refused;
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
