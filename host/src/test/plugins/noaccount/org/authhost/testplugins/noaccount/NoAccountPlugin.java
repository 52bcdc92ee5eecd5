package org.authhost.testplugins.noaccount;

import org.authhost.api.AuthenticationContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Its context answers E_NOTIMPL for the logical user id and account name, as the SDK sample does.
 */
public final class NoAccountPlugin extends TestPlugin {
  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(unnamedContext());
    return HResult.S_OK;
  }
}
