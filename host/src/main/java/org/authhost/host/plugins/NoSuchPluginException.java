package org.authhost.host.plugins;

/**
 * An operator named a plug-in that the host has neither loaded nor found a JAR for: the admin API
 * answers 404, not 409 (nothing conflicts; there is nothing there). WMS's counterpart is {@code
 * NS_E_PLUGIN_NOTFOUND} from {@code IWMSPlugins.Item}.
 */
public final class NoSuchPluginException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  NoSuchPluginException(String message) {
    super(message);
  }
}
