package org.authhost.host.plugins;

/**
 * A plug-in refused the named values an operator asked for (its {@code InitializePlugin} or {@code
 * EnablePlugin} failed with them): nothing was changed. The message is the plug-in's own ErrorText.
 */
public final class ValuesRefusedException extends IllegalArgumentException {
  private final String pluginId;
  private final String pluginText;

  ValuesRefusedException(String pluginId, String pluginText) {
    super(
        "plug-in '"
            + pluginId
            + "' refused the values: "
            + pluginText
            + "; nothing was changed, it keeps its values");
    this.pluginId = pluginId;
    this.pluginText = pluginText;
  }

  public String pluginId() {
    return pluginId;
  }

  /** The plug-in's own words (its ErrorText). */
  public String pluginText() {
    return pluginText;
  }
}
