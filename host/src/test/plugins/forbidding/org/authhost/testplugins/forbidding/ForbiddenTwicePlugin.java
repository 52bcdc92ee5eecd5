package org.authhost.testplugins.forbidding;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/** Refuses without a challenge (API 1.4), then says it a second time: a breach of the one call. */
public final class ForbiddenTwicePlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    callback.onAuthenticateForbidden("refused", context);
    callback.onAuthenticateForbidden("refused again", context);
    return HResult.S_OK;
  }
}
