package org.authhost.host.config;

import java.util.Map;

/**
 * Where a plug-in's named values are written in the configuration file: each written one's key, and
 * the object a value not written belongs in, so that a value the plug-in misses can be pointed at
 * as well as one it refuses.
 *
 * @param written each written property's place, by name
 * @param holder where an unwritten one belongs: the {@code properties} object, or the plug-in's
 *     entry when it has none; its path is the {@code properties} object's; null when the plug-in
 *     has no entry in the file
 */
public record PropertyPlaces(Map<String, ConfigPlace> written, ConfigPlace holder) {
  /** Values not read from a file (the console's): nothing to point at. */
  public static final PropertyPlaces NONE = new PropertyPlaces(Map.of(), null);

  public PropertyPlaces {
    written = Map.copyOf(written);
  }

  /** Whether {@code name} is written in the file. */
  public boolean isWritten(String name) {
    return written.containsKey(name);
  }

  /**
   * Where {@code name} is written or, when it is not, where it belongs; null if neither is known.
   */
  public ConfigPlace of(String name) {
    ConfigPlace place = written.get(name);
    if (place != null || holder == null) {
      return place;
    }
    return new ConfigPlace(
        holder.file(), holder.line(), holder.column(), JsonText.child(holder.path(), name));
  }
}
