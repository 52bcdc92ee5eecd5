package org.authhost.bench.hang;

import java.time.Duration;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;

/**
 * A benchmark's worst plug-in (issue 11, containment): an authentication plug-in ({@code
 * IWMSBasicPlugin} + {@code IWMSAuthenticationPlugin}) whose {@code Authenticate} never answers. It
 * loads, enables and describes itself like any other, so the host offers it, and then every client
 * call into it blocks until the host's time limit ({@code plugins.callTimeoutMillis}) interrupts
 * the thread. It declares no {@code non-blocking}, so its calls run on its own bulkhead, which is
 * what bench/hanging-plugin.sh measures: the other publishing points must not notice.
 */
public final class HangingPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "X-Hang";
  static final String PACKAGE = "AuthHost Benchmark Hanging Plug-in";

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    return HResult.S_OK;
  }

  @Override
  public HResult disable() {
    return HResult.S_OK;
  }

  @Override
  public HResult shutdown() {
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
    // Challenge-first, like Digest: a request without credentials is a call into the plug-in too
    // (for its challenge), so a client needs no credentials to keep the plug-in busy.
    flags.set(AuthenticationFlags.TEXT_CHALLENGE);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(new HangingContext(this));
    return HResult.S_OK;
  }
}
