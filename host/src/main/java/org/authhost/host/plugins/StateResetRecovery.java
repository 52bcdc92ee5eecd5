package org.authhost.host.plugins;

import com.google.inject.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.authhost.api.HResult;
import org.authhost.host.state.HostState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the shared state store lost its data, the plug-ins that kept state there are taken out of
 * service and enabled again: each starts afresh on the empty store (Digest writes a new epoch, so a
 * nonce issued before earns {@code stale=true} instead of an empty replay window that would accept
 * its counts again). Through the plug-in host's own life cycle ({@link
 * PluginHost#suspendForStoreReset}, {@link PluginHost#resumeAfterStoreReset}), so draining and
 * events are the usual ones, but told as the host's doing and never recorded as the operator's
 * choice. The same resume enables a plug-in whose enable failed because the store could not be
 * reached (a host started during an outage), once it answers.
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
      if (!host.plugin(id).map(v -> (v.status() & PluginStatus.ENABLED) != 0).orElse(false)) {
        continue;
      }
      try {
        PluginView out = host.suspendForStoreReset(id);
        if ((out.status() & PluginStatus.ERROR) == 0) {
          disabled.add(id);
        }
        // Else its DisablePlugin failed: out of service, in error (the guard's event names it
        // and the fix); not enabled again by the reset, as after an operator's disable.
      } catch (RuntimeException e) {
        LOG.warn("could not disable plug-in '{}' for the state store's reset", id, e);
      }
    }
    return disabled;
  }

  @Override
  public List<String> inService(Set<String> pluginIds) {
    PluginHost host = plugins.get();
    return pluginIds.stream()
        .filter(
            id -> host.plugin(id).map(v -> (v.status() & PluginStatus.ENABLED) != 0).orElse(false))
        .toList();
  }

  @Override
  public List<String> enable(List<String> pluginIds) {
    return resume(plugins.get(), pluginIds);
  }

  @Override
  public List<String> enableWaiting(Set<String> pluginIds) {
    PluginHost host = plugins.get();
    List<String> waiting = new ArrayList<>();
    for (String id : pluginIds) {
      boolean failedOnStore =
          host.plugin(id)
              .map(
                  v ->
                      (v.status() & PluginStatus.ENABLED) == 0
                          && (v.status() & PluginStatus.ERROR) != 0
                          && HResult.NS_E_NO_NEW_CONNECTIONS.equals(v.errorCode()))
              .orElse(false);
      if (failedOnStore && host.wantsEnabled(id)) {
        waiting.add(id);
      }
    }
    return resume(host, waiting);
  }

  @Override
  public List<String> restart(String pluginId, java.util.function.BooleanSupplier stale) {
    try {
      return plugins
          .get()
          .restartForStoreReset(pluginId, stale)
          .filter(v -> (v.status() & PluginStatus.ENABLED) != 0)
          .map(v -> List.of(pluginId))
          .orElse(List.of());
    } catch (RuntimeException e) {
      LOG.warn("could not restart plug-in '{}' after the state store's reset", pluginId, e);
      return List.of();
    }
  }

  private static List<String> resume(PluginHost host, List<String> pluginIds) {
    List<String> enabled = new ArrayList<>();
    for (String id : pluginIds) {
      try {
        if ((host.resumeAfterStoreReset(id).status() & PluginStatus.ENABLED) != 0) {
          enabled.add(id);
        }
      } catch (RuntimeException e) {
        LOG.warn("could not enable plug-in '{}' after the state store's reset", id, e);
      }
    }
    return enabled;
  }
}
