package org.authhost.testplugins.gated;

import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.testplugins.TestPlugin;

/**
 * Authenticate as TestPlugin, after three optional steps a test arranges through objects it puts in
 * the system properties (the one place plug-in and test both see) under the names these properties
 * give: {@code threads}, a queue it adds the calling thread to; {@code entered}, a latch it counts
 * down; {@code gate}, a latch it waits for (an interrupt ends the wait). With the property {@code
 * account}, it logs that account on instead of Guest (a logon whose check a test holds open).
 */
public final class GatedPlugin extends TestPlugin {
  /** With {@code account}, a context that leaves the names to the host: the token's account. */
  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    if (values.get("account", "").isEmpty()) {
      return super.createAuthenticationContext(context);
    }
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

  @Override
  @SuppressWarnings("unchecked")
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    if (System.getProperties().get(values.get("threads", "")) instanceof Queue<?> threads) {
      ((Queue<Object>) threads).add(Thread.currentThread());
    }
    if (System.getProperties().get(values.get("entered", "")) instanceof CountDownLatch entered) {
      entered.countDown();
    }
    if (System.getProperties().get(values.get("gate", "")) instanceof CountDownLatch gate) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return HResult.E_ABORT;
      }
    }
    String account = values.get("account", "");
    if (account.isEmpty()) {
      return super.authenticate(self, callback, context);
    }
    Out<TokenHandle> token = new Out<>();
    HResult hr = server.tokenService().logonUser(account, "Test", token);
    if (hr.failed()) {
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
      return HResult.S_OK;
    }
    self.token = token.get();
    callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
    return HResult.S_OK;
  }
}
