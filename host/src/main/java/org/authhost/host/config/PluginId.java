package org.authhost.host.config;

import java.util.regex.Pattern;

/**
 * The one rule for plug-in ids. A descriptor's id is the key of the plug-in's settings in {@code
 * host.json} and the name its publishing points and {@code plugins.order} use, so the descriptor
 * reader and the configuration must accept exactly the same ids.
 */
public final class PluginId {
  private static final Pattern FORM = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /** What a configuration problem says was expected. */
  static final String EXPECTED =
      "a plug-in id (a lowercase letter or digit, then up to 63 lowercase letters, digits,"
          + " '.', '_' or '-')";

  /** What a descriptor problem says an id must be (the same rule as {@link #EXPECTED}). */
  public static final String DESCRIPTOR_EXPECTED =
      "lower-case letters, digits, '.', '_' or '-', at most 64";

  private PluginId() {}

  /** Whether {@code id} is a well-formed plug-in id. */
  public static boolean isValid(String id) {
    return FORM.matcher(id).matches();
  }
}
