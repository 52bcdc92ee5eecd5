package org.authhost.host.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * How a path written in {@code host.json} becomes a path: placeholders expanded, then resolved
 * against the configuration folder, absolute and normalized.
 */
final class ConfigPaths {
  private final Path configDirectory;
  private final Placeholders placeholders;

  /**
   * @param configDirectory absolute and normalized; relative paths in the file resolve against it
   */
  ConfigPaths(Path configDirectory, Placeholders placeholders) {
    this.configDirectory = configDirectory;
    this.placeholders = placeholders;
  }

  Placeholders.Expansion expand(String raw) {
    return placeholders.expand(raw);
  }

  /**
   * @throws InvalidPathException if {@code expanded} is not a path on this system
   */
  Path resolve(String expanded) {
    return configDirectory.resolve(Path.of(expanded)).toAbsolutePath().normalize();
  }

  /** A built-in default such as {@code ${authhost.home}/plugins}; it must always expand. */
  Path builtIn(String raw) {
    Placeholders.Expansion expansion = placeholders.expand(raw);
    if (!expansion.ok()) {
      throw new IllegalStateException("built-in default " + raw + ": " + expansion.error());
    }
    return resolve(expansion.value());
  }
}
