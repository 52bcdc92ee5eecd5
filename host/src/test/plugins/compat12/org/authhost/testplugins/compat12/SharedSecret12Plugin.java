package org.authhost.testplugins.compat12;

import java.nio.charset.StandardCharsets;
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
 * A plug-in written for API 1.2 and compiled against the 1.2 API JAR alone (the test keeps that JAR
 * as it was released): the guide's shared-secret example as 1.2 authors wrote it, every method
 * implemented, its own token bookkeeping, the 1.2 credential service and data folder in use. It
 * must load and serve unchanged on a 1.3 host.
 */
public final class SharedSecret12Plugin implements BasicPlugin, AuthenticationPlugin {
  static final String PACKAGE = "Compat 1.2 Shared Secret";

  private volatile ServerContext server;
  private volatile byte[] secret;

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    if (server == null || namedValues == null) {
      return HResult.E_INVALIDARG;
    }
    this.server = server;
    this.secret = namedValues.get("secret", "s3cret").getBytes(StandardCharsets.UTF_8);
    // 1.2 services: both must still be there.
    if (server.credentials() == null || server.dataDirectory() == null) {
      return HResult.E_UNEXPECTED;
    }
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
    if (packageName == null) {
      return HResult.E_POINTER;
    }
    packageName.set(PACKAGE);
    return HResult.S_OK;
  }

  @Override
  public HResult getProtocolName(Out<String> protocolName) {
    if (protocolName == null) {
      return HResult.E_POINTER;
    }
    protocolName.set("X-Token");
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    if (flags == null) {
      return HResult.E_POINTER;
    }
    flags.set(AuthenticationFlags.TEXT_CHALLENGE);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    if (context == null) {
      return HResult.E_POINTER;
    }
    context.set(new SharedSecret12Context(this, server.tokenService(), secret));
    return HResult.S_OK;
  }
}
