package com.example.authhost.apikey;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.authhost.api.ServerContext;
import org.authhost.api.support.OwnedToken;
import org.authhost.api.support.PluginEvents;

/**
 * API-key logons for encoders and services: {@code Authorization: ApiKey <key>} logs on as the
 * account the operator assigned to that key. Named values: {@code keys} (see {@link ApiKeys}) and
 * {@code realm} (shown in the challenge, default {@code AuthHost}).
 */
public final class ApiKeyPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "ApiKey";
  static final String PACKAGE = "Example API Key";

  private final Set<String> missingAccounts = ConcurrentHashMap.newKeySet();
  private volatile ServerContext server;
  private volatile PluginEvents events;
  private volatile ApiKeys keys;
  private volatile byte[] challenge;

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    try {
      keys = ApiKeys.parse(namedValues.get("keys", ""));
    } catch (IllegalArgumentException e) {
      // Not logged: the host reports a failed initialize itself, with this message.
      throw new PluginException(
          HResult.E_INVALIDARG,
          e.getMessage() + " (plugins.settings." + namedValues.pluginId() + ".properties.keys)");
    }
    String realm = namedValues.get("realm", "AuthHost").replace("\"", "");
    challenge = ("realm=\"" + realm + "\"").getBytes(StandardCharsets.ISO_8859_1);
    events = new PluginEvents(server.eventLog(), namedValues);
    this.server = server;
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    missingAccounts.clear(); // after the operator's fix, warn again about what is still wrong
    return HResult.S_OK;
  }

  @Override
  public HResult getPackageName(Out<String> packageName) {
    packageName.set(PACKAGE);
    return HResult.S_OK;
  }

  @Override
  public HResult getProtocolName(Out<String> protocolName) {
    protocolName.set(PROTOCOL);
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    flags.set(AuthenticationFlags.TEXT_CHALLENGE);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(new ApiKeyContext(this, new OwnedToken(server.tokenService())));
    return HResult.S_OK;
  }

  ApiKeys keys() {
    return keys;
  }

  byte[] challenge() {
    return challenge.clone();
  }

  /**
   * The host refused a token for a right key: the plug-in cannot work until the operator acts, so
   * an ERROR event, which takes it out of service.
   */
  HResult cannotLogOn(String account, HResult refused) {
    return events.error(
        refused, "the host refused to log on '" + account + "' for a right key: " + refused);
  }

  /** A right key whose account the host does not know: once per account, not once per request. */
  void accountMissing(String account) {
    if (missingAccounts.add(account)) {
      events.warning(
          "a key of 'keys' logs on as '"
              + account
              + "', which is not an enabled account of this host; add it (authhost accounts add "
              + account
              + ") or remove the key");
    }
  }
}
