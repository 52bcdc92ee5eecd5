package org.authhost.bench.hang;

import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;

/** One exchange that never ends by itself: {@code Authenticate} waits for an interrupt. */
final class HangingContext implements AuthenticationContext {
  /** Never counted down: only the host's interrupt at the time limit ends the wait. */
  private static final CountDownLatch NEVER = new CountDownLatch(1);

  private final AuthenticationPlugin plugin;

  HangingContext(AuthenticationPlugin plugin) {
    this.plugin = plugin;
  }

  @Override
  public HResult getAuthenticationPlugin(Out<AuthenticationPlugin> out) {
    out.set(plugin);
    return HResult.S_OK;
  }

  @Override
  public HResult authenticate(
      byte[] responseBlob,
      UserContext user,
      PresentationContext presentation,
      CommandContext command,
      AuthenticationCallback callback,
      Object context) {
    try {
      NEVER.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Past the time limit the host ignores this answer; it is here so that the contract (exactly
    // one callback per call) holds on every path.
    callback.onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
    return HResult.E_ABORT;
  }

  @Override
  public HResult getLogicalUserId(Out<String> userId) {
    return HResult.E_NOTIMPL;
  }

  @Override
  public HResult getImpersonationAccountName(Out<String> accountName) {
    return HResult.E_NOTIMPL;
  }

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> token) {
    return HResult.SEC_E_NO_IMPERSONATION;
  }

  @Override
  public void release() {}
}
