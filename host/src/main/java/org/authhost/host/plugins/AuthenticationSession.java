package org.authhost.host.plugins;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;
import org.authhost.host.tokens.TokenTable;

/**
 * The host's side of one {@code IWMSAuthenticationContext}: one client's exchange with one plug-in.
 * It drives {@code Authenticate} through the guard, waits for the callback within the time limit,
 * and on success collects the identity and checks that the token handle is alive. It never throws
 * and never answers anything but the plug-in's verdict or {@code ERROR}: it fails closed.
 */
public final class AuthenticationSession implements AutoCloseable {
  private final HostedPlugin plugin;
  private final PluginGuard guard;
  private final TokenTable tokens;
  private final long callbackTimeoutMillis;
  private final AuthenticationContext context;
  private final HResult openFailure;
  private volatile TokenHandle lastToken;
  private volatile boolean released;

  AuthenticationSession(HostedPlugin plugin, PluginGuard guard, TokenTable tokens,
      long callbackTimeoutMillis, AuthenticationContext context, HResult openFailure) {
    this.plugin = plugin;
    this.guard = guard;
    this.tokens = tokens;
    this.callbackTimeoutMillis = callbackTimeoutMillis;
    this.context = context;
    this.openFailure = openFailure;
  }

  /** The id of the plug-in this session talks to. */
  public String pluginId() {
    return plugin == null ? "" : plugin.id();
  }

  /**
   * One leg of the exchange.
   *
   * @return completes normally, always; {@code ERROR} for every failure
   */
  public CompletableFuture<AuthenticationOutcome> authenticate(byte[] responseBlob, UserContext user,
      PresentationContext presentation, CommandContext command) {
    if (context == null) {
      return CompletableFuture.completedFuture(AuthenticationOutcome.error(openFailure));
    }
    if (released) {
      return CompletableFuture.completedFuture(AuthenticationOutcome.error(HResult.SEC_E_CONTEXT_EXPIRED));
    }
    if (!plugin.isUsable()) {
      return CompletableFuture.completedFuture(AuthenticationOutcome.error(HResult.NS_E_CRITICAL_ERROR));
    }
    // A fresh object per call: the plug-in must hand back this very instance.
    Object exchange = new Object();
    CallbackGuard callback = new CallbackGuard(plugin, guard, exchange);
    byte[] blob = responseBlob == null ? AuthenticationOutcome.NONE : responseBlob.clone();
    return guard.callAsync(plugin, "Authenticate",
            () -> context.authenticate(blob, user, presentation, command, callback, exchange))
        .thenCompose(hr -> hr.failed()
            ? CompletableFuture.completedFuture(AuthenticationOutcome.error(hr))
            : awaitCallback(callback));
  }

  private CompletableFuture<AuthenticationOutcome> awaitCallback(CallbackGuard callback) {
    return callback.completion
        .orTimeout(callbackTimeoutMillis, TimeUnit.MILLISECONDS)
        .handle((done, e) -> {
          if (e != null) {
            if (e instanceof TimeoutException || e.getCause() instanceof TimeoutException) {
              guard.failed(plugin, "Authenticate", HResult.E_TIMEOUT, "Authenticate returned but "
                  + "OnAuthenticateComplete was not called within " + callbackTimeoutMillis
                  + " ms; the client was refused (every Authenticate must call back exactly once)");
            }
            return CompletableFuture.completedFuture(AuthenticationOutcome.error(HResult.E_TIMEOUT));
          }
          if (done.result() == AuthenticationResult.ERROR) {
            return CompletableFuture.completedFuture(AuthenticationOutcome.error(
                done.failure().failed() ? done.failure() : HResult.E_FAIL));
          }
          if (done.result() != AuthenticationResult.SUCCESS) {
            return CompletableFuture.completedFuture(AuthenticationOutcome.of(done.result(), done.challenge()));
          }
          return identity(done.challenge());
        })
        .thenCompose(f -> f);
  }

  private CompletableFuture<AuthenticationOutcome> identity(byte[] finalToken) {
    Out<String> userId = new Out<>();
    Out<String> account = new Out<>();
    Out<TokenHandle> token = new Out<>();
    Out<AccessToken> accessToken = new Out<>();
    Out<HResult> failure = new Out<>(HResult.S_OK);
    return guard.callAsync(plugin, "GetImpersonationToken", () -> {
      HResult hr = guard.callOptional(plugin, "GetLogicalUserID", () -> context.getLogicalUserId(userId));
      if (hr.succeeded() || hr.equals(HResult.E_NOTIMPL)) {
        hr = guard.callOptional(plugin, "GetImpersonationAccountName",
            () -> context.getImpersonationAccountName(account));
      }
      if (hr.succeeded() || hr.equals(HResult.E_NOTIMPL)) {
        hr = guard.call(plugin, "GetImpersonationToken", () -> context.getImpersonationToken(token));
      }
      if (hr.succeeded()) {
        hr = checkToken(token.get(), accessToken);
      }
      failure.set(hr);
      // Failures were reported by the inner calls; the outer call only carries the time limit.
      return HResult.S_OK;
    }).thenApply(outer -> {
      HResult hr = outer.failed() ? outer : failure.get();
      if (hr.failed()) {
        return AuthenticationOutcome.error(hr);
      }
      synchronized (this) {
        if (released) {
          // Released while the identity was being collected: the handle is the context's to close.
          return AuthenticationOutcome.error(HResult.SEC_E_CONTEXT_EXPIRED);
        }
        lastToken = token.get();
      }
      // Methods the plug-in may leave out (the SDK sample does) fall back on the token itself.
      String accountName = account.get() != null ? account.get() : accessToken.get().accountName();
      String logicalId = userId.get() != null ? userId.get() : accountName;
      return new AuthenticationOutcome(AuthenticationResult.SUCCESS, finalToken, HResult.S_OK,
          logicalId, accountName, token.get(), accessToken.get());
    });
  }

  private HResult checkToken(TokenHandle handle, Out<AccessToken> accessToken) {
    if (handle == null) {
      guard.failed(plugin, "GetImpersonationToken", HResult.E_POINTER,
          "GetImpersonationToken succeeded but gave no token handle");
      return HResult.E_POINTER;
    }
    // Only a handle this plug-in issued counts; another plug-in's handle does not exist for it.
    HResult hr = tokens.queryToken(plugin.id(), handle, accessToken);
    if (hr.failed()) {
      guard.failed(plugin, "GetImpersonationToken", hr, "GetImpersonationToken returned " + handle
          + ", which is closed or was never issued (" + hr + "); a context must keep its token open "
          + "until it is released");
    }
    return hr;
  }

  /**
   * Releases the context, which closes its token. A token the context forgot to close is closed by
   * the host and reported, so a leaky plug-in cannot keep tokens alive past their exchange.
   */
  @Override
  public void close() {
    release();
  }

  /** {@link #close()}, with a future that completes once the plug-in's release has run. */
  public synchronized CompletableFuture<Void> release() {
    if (released || context == null) {
      return CompletableFuture.completedFuture(null);
    }
    released = true;
    TokenHandle token = lastToken;
    return guard.callAsync(plugin, "Release", () -> {
      context.release();
      return HResult.S_OK;
    }).thenRun(() -> {
      if (token != null && tokens.closeHandle(token).succeeded()) {
        guard.warn(plugin, HResult.E_HANDLE, "the context was released without closing its token "
            + token + "; the host closed it. Close the token in release()");
      }
    });
  }
}
