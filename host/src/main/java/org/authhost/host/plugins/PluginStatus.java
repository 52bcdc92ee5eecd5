package org.authhost.host.plugins;

/**
 * A plug-in's status bits.
 *
 * <p>WMS counterpart: {@code WMS_PLUGIN_STATUS} as read from {@code IWMSPlugin.Status}: NONE at
 * start, LOADED once loaded, ERROR when loading failed, LOADED|ENABLED when enabled, LOADED|ERROR
 * when it failed after loading, LOADED again when an operator disables a healthy plug-in.
 */
public final class PluginStatus {
  /** {@code WMS_PLUGIN_NONE}. */
  public static final int NONE = 0x0000;

  /** {@code WMS_PLUGIN_ERROR}. */
  public static final int ERROR = 0x0001;

  /** {@code WMS_PLUGIN_LOADED}. */
  public static final int LOADED = 0x0002;

  /** {@code WMS_PLUGIN_ENABLED}. */
  public static final int ENABLED = 0x0004;

  private PluginStatus() {
    throw new AssertionError("constants only");
  }

  /** The bits as text, e.g. {@code LOADED|ENABLED}, or {@code NONE}. */
  public static String toString(int status) {
    StringBuilder b = new StringBuilder();
    if ((status & LOADED) != 0) {
      b.append("LOADED");
    }
    if ((status & ENABLED) != 0) {
      b.append(b.length() > 0 ? "|" : "").append("ENABLED");
    }
    if ((status & ERROR) != 0) {
      b.append(b.length() > 0 ? "|" : "").append("ERROR");
    }
    return b.length() == 0 ? "NONE" : b.toString();
  }
}
