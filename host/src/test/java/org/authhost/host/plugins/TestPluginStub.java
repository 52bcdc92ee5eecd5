package org.authhost.host.plugins;

import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.HResult;
import org.authhost.api.Out;

/** An authentication plug-in that implements nothing, for benchmarks that override one method. */
abstract class TestPluginStub implements AuthenticationPlugin {
  @Override
  public HResult getPackageName(Out<String> packageName) {
    return HResult.E_NOTIMPL;
  }

  @Override
  public HResult getProtocolName(Out<String> protocolName) {
    return HResult.E_NOTIMPL;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    return HResult.E_NOTIMPL;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    return HResult.E_NOTIMPL;
  }
}
