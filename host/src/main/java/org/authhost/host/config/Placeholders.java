package org.authhost.host.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Expands {@code ${name}} in path values. Only known names are allowed: a typo such as {@code
 * ${authost.home}} must be reported, not silently become a folder named after it.
 */
final class Placeholders {
  /** The installation folder: System property {@code authhost.home}, else the working folder. */
  static final String AUTHHOST_HOME = "authhost.home";

  /** The folder {@code host.json} was read from. */
  static final String CONFIG_DIR = "config.dir";

  private final Map<String, String> values;

  Placeholders(Map<String, String> values) {
    this.values = new LinkedHashMap<>(values);
  }

  /** The placeholders of a host whose configuration is in {@code configDirectory} (absolute). */
  static Placeholders standard(Path configDirectory) {
    String home = System.getProperty(AUTHHOST_HOME);
    Path homePath = (home == null || home.isBlank() ? Path.of("") : Path.of(home));
    Map<String, String> values = new LinkedHashMap<>();
    values.put(AUTHHOST_HOME, homePath.toAbsolutePath().normalize().toString());
    values.put(CONFIG_DIR, configDirectory.toString());
    return new Placeholders(values);
  }

  /** The outcome of {@link #expand}: the text, or why it could not be expanded. */
  record Expansion(String value, String error) {
    boolean ok() {
      return error == null;
    }
  }

  /**
   * {@code raw} with every {@code ${name}} replaced; a {@code $} not followed by an opening brace
   * stays as it is.
   */
  Expansion expand(String raw) {
    StringBuilder out = new StringBuilder();
    int from = 0;
    while (true) {
      int start = raw.indexOf("${", from);
      if (start < 0) {
        return new Expansion(out.append(raw, from, raw.length()).toString(), null);
      }
      int end = raw.indexOf('}', start + 2);
      if (end < 0) {
        return new Expansion(
            null,
            "unterminated placeholder "
                + JsonText.quote(raw.substring(start))
                + "; expected one of: "
                + known());
      }
      String name = raw.substring(start + 2, end);
      String value = values.get(name);
      if (value == null) {
        return new Expansion(
            null,
            "unknown placeholder "
                + JsonText.quote("${" + name + "}")
                + "; expected one of: "
                + known());
      }
      out.append(raw, from, start).append(value);
      from = end + 1;
    }
  }

  private String known() {
    return values.keySet().stream()
        .map(name -> "${" + name + "}")
        .collect(Collectors.joining(", "));
  }
}
