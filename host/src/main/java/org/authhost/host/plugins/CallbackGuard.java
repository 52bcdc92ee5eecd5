package org.authhost.host.plugins;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;

/**
 * The host's {@code IWMSAuthenticationCallback} for one {@code Authenticate} call: the first call
 * of either method counts, a second is ignored and reported, a foreign context value is a plug-in
 * failure.
 */
final class CallbackGuard implements AuthenticationCallback {
  /**
   * What the plug-in reported.
   *
   * @param benign a refusal through {@link #onAuthenticateRefused}: no guess at a credential (only
   *     ever true with {@code DENIED}; whether it is honoured depends on the plug-in's API version)
   */
  record Completion(
      AuthenticationResult result, byte[] challenge, HResult failure, boolean benign) {}

  private final HostedPlugin plugin;
  private final PluginGuard guard;
  private final Object expectedContext;
  private final AtomicInteger calls = new AtomicInteger();
  final CompletableFuture<Completion> completion = new CompletableFuture<>();

  CallbackGuard(HostedPlugin plugin, PluginGuard guard, Object expectedContext) {
    this.plugin = plugin;
    this.guard = guard;
    this.expectedContext = expectedContext;
  }

  @Override
  public HResult onAuthenticateComplete(
      AuthenticationResult result, byte[] challengeBlob, Object context) {
    return complete(result, challengeBlob, context, false);
  }

  @Override
  public HResult onAuthenticateRefused(byte[] challengeBlob, Object context) {
    return complete(AuthenticationResult.DENIED, challengeBlob, context, true);
  }

  private HResult complete(
      AuthenticationResult result, byte[] challengeBlob, Object context, boolean benign) {
    String method = benign ? "OnAuthenticateRefused" : "OnAuthenticateComplete";
    int n = calls.incrementAndGet();
    if (n > 1) {
      guard.warn(
          plugin,
          HResult.E_UNEXPECTED,
          (benign
                  ? "OnAuthenticateRefused was called after the callback had already answered"
                      + " this Authenticate (call "
                      + n
                      + " of the callback)"
                  : "OnAuthenticateComplete was called "
                      + n
                      + " times for one Authenticate (this time with "
                      + result
                      + ")")
              + "; the host kept the first answer and ignored this one."
              + " Call OnAuthenticateComplete or OnAuthenticateRefused exactly once per"
              + " Authenticate");
      return HResult.E_UNEXPECTED;
    }
    if (completion.isDone()) {
      // Too late: the time limit already ended the exchange and reported it.
      return HResult.E_UNEXPECTED;
    }
    if (context != expectedContext || result == null) {
      String why =
          result == null
              ? "a null result"
              : "a context value other than the one Authenticate received (it must be passed back unchanged)";
      guard.failed(plugin, method, HResult.E_INVALIDARG, method + " was called with " + why);
      completion.complete(
          new Completion(
              AuthenticationResult.ERROR, AuthenticationOutcome.NONE, HResult.E_INVALIDARG, false));
      return HResult.E_INVALIDARG;
    }
    byte[] challenge = challengeBlob == null ? AuthenticationOutcome.NONE : challengeBlob.clone();
    completion.complete(new Completion(result, challenge, HResult.S_OK, benign));
    return HResult.S_OK;
  }
}
