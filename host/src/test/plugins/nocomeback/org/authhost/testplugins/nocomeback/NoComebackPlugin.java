package org.authhost.testplugins.nocomeback;

import java.time.Duration;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.testplugins.TestPlugin;

/**
 * Answers a failed logon with the token service's failing HRESULT (which the service rule allows),
 * and from then on refuses EnablePlugin: once out of service it never comes back.
 */
public final class NoComebackPlugin extends TestPlugin {
  private volatile boolean failedOnce;

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    return failedOnce ? HResult.E_UNEXPECTED : HResult.S_OK;
  }

  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    Out<TokenHandle> token = new Out<>();
    HResult hr = server.tokenService().logonUser("Guest", "Test", token);
    if (hr.failed()) {
      failedOnce = true;
      return hr;
    }
    return super.authenticate(self, callback, context);
  }
}
