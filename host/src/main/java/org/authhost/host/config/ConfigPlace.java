package org.authhost.host.config;

import java.nio.file.Path;

/**
 * Where a setting is written in the configuration file, kept past the read for what only a later
 * step can check: a plug-in's named values, which only the plug-in knows.
 *
 * @param file the configuration file, as the operator named it
 * @param line 1-based line of the setting's key
 * @param column 1-based column of the setting's key
 * @param path the setting's JSON path ({@code plugins.settings.digest.properties.realm})
 */
public record ConfigPlace(Path file, int line, int column, String path) {
  /** A problem there, rendered as every other one: {@code FILE:LINE:COL: [id] path: message}. */
  public ConfigProblem problem(String id, String message) {
    return new ConfigProblem(file, line, column, id, path + ": " + message);
  }

  /** {@code /path/to/host.json:12:5}, as a problem there names it. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
