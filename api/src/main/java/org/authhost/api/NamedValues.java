package org.authhost.api;

import java.util.Map;
import java.util.Optional;

/**
 * A plug-in's configured properties, and its identity towards the {@link EventLog}.
 *
 * <p>WMS counterpart: {@code IWMSNamedValues} as passed to {@code InitializePlugin}. Here the
 * values are read-only strings taken from the operator's configuration; a plug-in validates them in
 * {@link BasicPlugin#initialize} or {@link BasicPlugin#enable} and fails with {@link
 * HResult#E_INVALIDARG} when one is wrong.
 */
public interface NamedValues {

  /** The id of the plug-in these values belong to, from its descriptor. */
  String pluginId();

  /** The value of one property, if the operator set it. */
  Optional<String> get(String name);

  /** The value of one property, or {@code defaultValue}. */
  default String get(String name, String defaultValue) {
    return get(name).orElse(defaultValue);
  }

  /** Every property, in configuration order. */
  Map<String, String> asMap();
}
