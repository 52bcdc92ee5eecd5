package org.authhost.host;

import java.util.List;
import org.authhost.host.config.ConfigException;
import org.authhost.host.config.ConfigProblem;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.plugins.PluginHost;

/**
 * A part of {@link AuthHost} between the plug-ins and the listeners: an enabled plug-in that
 * refused (or missed) a named value of host.json at the start fails the start as a mistake of the
 * file, with its one line and the CLI's exit code 2, rather than the host serving its points with
 * the plug-in in error. The plug-in host alone (the contract kit's) reports it as the plug-in's
 * failure; a reload or the console's change keeps the version in service.
 */
final class RefusedSettings extends LifeCycle {
  private final PluginHost plugins;

  RefusedSettings(PluginHost plugins) {
    this.plugins = plugins;
  }

  @Override
  protected void doStart() throws ConfigException {
    List<ConfigProblem> refused = plugins.refusedSettings();
    if (!refused.isEmpty()) {
      throw new ConfigException(refused);
    }
  }

  @Override
  protected void doStop() {
    // Nothing was started.
  }

  @Override
  public String toString() {
    return "the plug-ins' settings check{" + state() + "}";
  }
}
