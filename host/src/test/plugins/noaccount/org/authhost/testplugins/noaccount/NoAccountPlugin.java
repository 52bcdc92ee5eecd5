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
    context.set(
        new Context() {
          @Override
          public HResult getLogicalUserId(Out<String> id) {
            return HResult.E_NOTIMPL;
          }

          @Override
          public HResult getImpersonationAccountName(Out<String> name) {
            return HResult.E_NOTIMPL;
          }
        });
    return HResult.S_OK;
  }
}
