package org.authhost.host.plugins;

import com.google.inject.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.authhost.host.state.HostState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the shared state store lost its data, the plug-ins that kept state there are disabled and
 * enabled again, as an operator would: each starts afresh on the empty store (Digest writes a new
 * nonce key and epoch, so a nonce issued before earns {@code stale=true} instead of an empty replay
 * window that would accept its counts again). Through the operator's own {@link PluginHost#disable}
 * and {@link PluginHost#enable}, so the plug-ins' life cycle, events and draining are the usual
 * ones.
 */
final class StateResetRecovery implements HostState.Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(StateResetRecovery.class);

  private final Provider<PluginHost> plugins;

  StateResetRecovery(Provider<PluginHost> plugins) {
    this.plugins = plugins;
  }

  @Override
  public List<String> disable(Set<String> pluginIds) {
    PluginHost host = plugins.get();
    List<String> disabled = new ArrayList<>();
    for (String id : pluginIds) {
      boolean enabled =
          host.plugin(id).map(v -> (v.status() & PluginStatus.ENABLED) != 0).orElse(false);
      if (!enabled) {
        continue;
      }
      try {
        host.disable(id);
        disabled.add(id);
      } catch (RuntimeException e) {
        LOG.warn("could not disable plug-in '{}' for the state store's reset", id, e);
      }
    }
    return disabled;
  }

  @Override
  public void enable(List<String> pluginIds) {
    PluginHost host = plugins.get();
    for (String id : pluginIds) {
      try {
        host.enable(id);
      } catch (RuntimeException e) {
        LOG.warn("could not enable plug-in '{}' after the state store's reset", id, e);
      }
    }
  }
}
