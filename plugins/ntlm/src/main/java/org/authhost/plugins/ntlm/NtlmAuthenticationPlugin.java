package org.authhost.plugins.ntlm;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.api.support.PluginEvents;

/**
 * NTLM over HTTP (MS-NTHT) against the host's local accounts: the entry point ({@code
 * IWMSBasicPlugin} and {@code IWMSAuthenticationPlugin}), in the role of the WMS Negotiate
 * Authentication plug-in restricted to the NTLM package.
 *
 * <p>NTLMv2 only by default (LM never; NTLMv1 only with {@code allowNtlmV1}); the MIC is checked
 * whenever the client announces one. The named values are in {@link NtlmSettings}; the protocol
 * itself is in {@link NtlmMechanism}, which the Negotiate plug-in shares.
 *
 * <p>The password never reaches the plug-in: the host's {@link org.authhost.api.CredentialService}
 * hands out the NT hash. The host binds each {@link NtlmContext} to one client connection, since
 * NTLM authenticates the connection, not the request.
 */
public final class NtlmAuthenticationPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "NTLM";
  static final String PACKAGE = "NTLM";

  private final Clock clock;
  private final Random random;

  private volatile ServerContext server;
  private volatile NamedValues values;
  private volatile NtlmMechanism mechanism;
  private volatile boolean enabled;

  /** The host's constructor: the host's clock and a strong random source for server challenges. */
  public NtlmAuthenticationPlugin() {
    this(null, new SecureRandom());
  }

  /** For tests: a clock to move (null: the server context's). */
  NtlmAuthenticationPlugin(Clock clock, Random random) {
    this.clock = clock;
    this.random = random;
  }

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    // Throws E_INVALIDARG naming the value and the fix; the host records it.
    this.mechanism =
        NtlmMechanism.create(
            namedValues, "", server, clock != null ? clock : server.clock(), random);
    this.server = server;
    this.values = namedValues;
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    ServerContext current = server;
    NtlmMechanism m = mechanism;
    if (current == null || m == null) {
      return HResult.E_UNEXPECTED;
    }
    PluginEvents events = new PluginEvents(current.eventLog(), values);
    for (String warning : m.startupWarnings()) {
      events.warning(warning); // a WARNING does not fail enable; the operator should still see it
    }
    enabled = true;
    return HResult.S_OK; // no heartbeat: challenges live in the contexts, nothing needs sweeping
  }

  @Override
  public HResult disable() {
    enabled = false; // contexts already created finish with the mechanism they have
    return HResult.S_OK;
  }

  @Override
  public HResult shutdown() {
    enabled = false;
    mechanism = null;
    server = null;
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
    // Binary tokens (not TEXT_CHALLENGE); the client needs credentials; the server's CHALLENGE
    // decides the client's response.
    flags.set(
        AuthenticationFlags.CLIENT_SHOWS_UI
            | AuthenticationFlags.CHALLENGE_FIRST
            | AuthenticationFlags.CONNECTION_BOUND
            | AuthenticationFlags.BROWSER_ANSWERS);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    ServerContext current = server;
    NtlmMechanism m = mechanism;
    if (current == null || m == null || !enabled) {
      return HResult.E_UNEXPECTED; // not enabled
    }
    context.set(
        new NtlmContext(
            this, m, current.tokenService(), new PluginEvents(current.eventLog(), values)));
    return HResult.S_OK;
  }
}
