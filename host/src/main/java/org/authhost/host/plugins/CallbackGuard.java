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
   * @param forbidden through {@link #onAuthenticateForbidden}: the plug-in's reason, already made
   *     safe to show (only ever set with {@code DENIED}; honoured from API 1.4 on); otherwise null
   */
  record Completion(
      AuthenticationResult result,
      byte[] challenge,
      HResult failure,
      boolean benign,
      String forbidden) {}

  /** How much of a plug-in's reason the audit keeps. */
  static final int MAX_REASON = 200;

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
    return complete(result, challengeBlob, context, "OnAuthenticateComplete", null);
  }

  @Override
  public HResult onAuthenticateRefused(byte[] challengeBlob, Object context) {
    return complete(
        AuthenticationResult.DENIED, challengeBlob, context, "OnAuthenticateRefused", null);
  }

  @Override
  public HResult onAuthenticateBusy(Object context) {
    return complete(AuthenticationResult.ERROR, null, context, "OnAuthenticateBusy", null);
  }

  @Override
  public HResult onAuthenticateForbidden(String reason, Object context) {
    return complete(
        AuthenticationResult.DENIED, null, context, "OnAuthenticateForbidden", shown(reason));
  }

  /**
   * The plug-in's reason as the audit may show it: one line, bounded, never empty (the plug-in
   * promises not to put its secret there; the host only keeps the record readable).
   */
  static String shown(String reason) {
    String text = reason == null ? "" : reason.strip();
    if (text.length() > MAX_REASON) {
      text = text.substring(0, MAX_REASON) + "...";
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.length() == 0 ? "no reason given" : out.toString();
  }

  private HResult complete(
      AuthenticationResult result,
      byte[] challengeBlob,
      Object context,
      String method,
      String forbidden) {
    boolean benign = method.equals("OnAuthenticateRefused");
    int n = calls.incrementAndGet();
    if (n > 1) {
      guard.warn(
          plugin,
          HResult.E_UNEXPECTED,
          (method.equals("OnAuthenticateComplete")
                  ? "OnAuthenticateComplete was called "
                      + n
                      + " times for one Authenticate (this time with "
                      + result
                      + ")"
                  : method
                      + " was called after the callback had already answered"
                      + " this Authenticate (call "
                      + n
                      + " of the callback)")
              + "; the host kept the first answer and ignored this one."
              + " Call OnAuthenticateComplete, OnAuthenticateRefused, OnAuthenticateForbidden or OnAuthenticateBusy"
              + " exactly once per Authenticate");
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
              AuthenticationResult.ERROR,
              AuthenticationOutcome.NONE,
              HResult.E_INVALIDARG,
              false,
              null));
      return HResult.E_INVALIDARG;
    }
    byte[] challenge = challengeBlob == null ? AuthenticationOutcome.NONE : challengeBlob.clone();
    // Busy: the same as ERROR with NS_E_NO_NEW_CONNECTIONS returned (503, no failed logon).
    HResult failure =
        method.equals("OnAuthenticateBusy") ? HResult.NS_E_NO_NEW_CONNECTIONS : HResult.S_OK;
    completion.complete(new Completion(result, challenge, failure, benign, forbidden));
    return HResult.S_OK;
  }
}
