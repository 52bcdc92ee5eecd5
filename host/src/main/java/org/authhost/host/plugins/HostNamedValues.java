package org.authhost.host.plugins;

import java.util.Map;
import java.util.Optional;
import org.authhost.api.NamedValues;

/** A plug-in's named values; the host knows a plug-in by the identity of this object. */
final class HostNamedValues implements NamedValues {
  private final String pluginId;
  private final Map<String, String> values;

  HostNamedValues(String pluginId, Map<String, String> values) {
    this.pluginId = pluginId;
    this.values = values;
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
