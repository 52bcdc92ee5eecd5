package org.authhost.host.plugins;

import org.authhost.api.CredentialService;
import org.authhost.api.EventLog;
import org.authhost.api.StateService;
import org.authhost.api.TokenService;

/**
 * What the host's services pass through on their way into one plug-in's server context, before its
 * {@link ServiceGate}: in a server they pass unchanged ({@link #AS_THEY_ARE}); the contract kit
 * binds its fault injection here, so a plug-in's failure paths run (a token service answering
 * {@code E_FAIL}, a credential service {@code SEC_E_LOGON_DENIED}). One seam for every service, so
 * the gate, the capability checks and the call guard stay exactly the server's.
 */
public interface PluginServices {
  /** The host's services, unchanged. */
  PluginServices AS_THEY_ARE =
      new PluginServices() {
        @Override
        public TokenService tokens(String pluginId, TokenService host) {
          return host;
        }

        @Override
        public CredentialService credentials(String pluginId, CredentialService host) {
          return host;
        }

        @Override
        public EventLog eventLog(String pluginId, EventLog host) {
          return host;
        }

        @Override
        public StateService state(String pluginId, StateService host) {
          return host;
        }
      };

  TokenService tokens(String pluginId, TokenService host);

  /** {@code host} is never null here. */
  CredentialService credentials(String pluginId, CredentialService host);

  EventLog eventLog(String pluginId, EventLog host);

  StateService state(String pluginId, StateService host);
}
