package org.authhost.host.plugins;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
import org.authhost.host.time.Scheduler;
import org.authhost.host.tokens.LogonCaller;
import org.authhost.host.tokens.TokenTable;

/**
 * The host's side of one {@code IWMSAuthenticationContext}: one client's exchange with one plug-in.
 *
 * <p>A leg ({@link #authenticate}) runs on one thread of the plug-in's own bulkhead, or on the
 * caller's thread for a plug-in that declares itself non-blocking (see {@link
 * PluginGuard#dispatch}): the context is created on the first leg ({@code
 * CreateAuthenticationContext}), {@code Authenticate} is called, and when the plug-in has called
 * back before returning (the usual case) the identity is collected and the token checked on that
 * same thread, so a request costs at most one hand-off whatever the plug-in does. A full bulkhead
 * answers {@code NS_E_NO_NEW_CONNECTIONS} at once (503 with {@code Retry-After}). A plug-in that
 * calls back later is waited for within the callback time limit. Every call is guarded; a call past
 * its deadline answers the waiting client at once. It never throws and never answers anything but
 * the plug-in's verdict or {@code ERROR}: it fails closed.
 */
public final class AuthenticationSession implements AutoCloseable {
  private final HostedPlugin plugin;
  private final PluginGuard guard;
  private final TokenTable tokens;
  private final Scheduler scheduler;
  private final long callbackTimeoutMillis;
  private final HResult unusable;

  // Guarded by this: the context exists from the first leg until release.
  private AuthenticationContext context;
  private TokenHandle lastToken;

  /** The context's last SUCCESS (its token is {@link #lastToken}), or null before one. */
  private AuthenticationOutcome lastSuccess;

  private boolean released;

  /**
   * Whether a leg is reading a SUCCESS's identity from the context: a release asked meanwhile (the
   * client left during a kept leg) waits for it, so that no getter meets a released context and
   * answers as if the plug-in had failed.
   */
  private boolean collecting;

  /** The release asked for while {@link #collecting}, run as it ends; or null. */
  private Runnable releaseWhenCollected;

  /** What ends the client's connection if the session outlives its version's drain, or null. */
  private volatile Runnable closeConnection;

  /** What its connection does when its version begins to drain, or null. */
  private volatile Runnable drainBegun;

  /**
   * @param unusable why no exchange is possible (unknown plug-in, not an authentication plug-in, in
   *     error), or null
   */
  AuthenticationSession(
      HostedPlugin plugin,
      PluginGuard guard,
      TokenTable tokens,
      Scheduler scheduler,
      long callbackTimeoutMillis,
      HResult unusable) {
    this.plugin = plugin;
    this.guard = guard;
    this.tokens = tokens;
    this.scheduler = scheduler;
    this.callbackTimeoutMillis = callbackTimeoutMillis;
    this.unusable = unusable;
  }

  /**
   * Whether its plug-in version was replaced or removed and only finishes what it started (issue
   * 16): a new handshake belongs on the version in service.
   */
  public boolean versionDraining() {
    return plugin != null && plugin.isDraining();
  }

  /**
   * The token of this session's last SUCCESS, as it stood then, or null before one (or once
   * released): what a context kept for a connection holds, to be checked against the account as it
   * is now before the context is asked again, and to be told from a new logon after.
   */
  public synchronized AccessToken heldToken() {
    return released || lastSuccess == null ? null : lastSuccess.accessToken();
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
  public CompletableFuture<AuthenticationOutcome> authenticate(
      byte[] responseBlob,
      UserContext user,
      PresentationContext presentation,
      CommandContext command) {
    if (unusable != null) {
      return CompletableFuture.completedFuture(AuthenticationOutcome.error(unusable));
    }
    synchronized (this) {
      if (released) {
        return CompletableFuture.completedFuture(
            AuthenticationOutcome.error(HResult.SEC_E_CONTEXT_EXPIRED));
      }
    }
    if (!plugin.isUsable()) {
      return CompletableFuture.completedFuture(
          AuthenticationOutcome.error(HResult.NS_E_CRITICAL_ERROR));
    }
    byte[] blob = responseBlob == null ? AuthenticationOutcome.NONE : responseBlob.clone();
    CompletableFuture<AuthenticationOutcome> outcome = new CompletableFuture<>();
    guard.dispatch(
        plugin,
        () -> leg(outcome, blob, user, presentation, command),
        () -> outcome.complete(refusedOutcome()));
    return outcome;
  }

  /**
   * Why a leg that got no thread was refused: the plug-in failed or hung while it waited (it is in
   * error), or its bulkhead was full (busy: try again later).
   */
  private AuthenticationOutcome refusedOutcome() {
    return !plugin.isUsable()
        ? AuthenticationOutcome.error(HResult.NS_E_CRITICAL_ERROR)
        : AuthenticationOutcome.refusedByBulkhead();
  }

  /** {@link #refusedOutcome}'s HRESULT. */
  private HResult refusal() {
    return !plugin.isUsable() ? HResult.NS_E_CRITICAL_ERROR : HResult.NS_E_NO_NEW_CONNECTIONS;
  }

  private void leg(
      CompletableFuture<AuthenticationOutcome> outcome,
      byte[] blob,
      UserContext user,
      PresentationContext presentation,
      CommandContext command) {
    if (!plugin.isUsable()) {
      // It failed (or hung) while this leg waited for a thread: do not call into it again. A hung
      // call makes it unusable at once, before the failure report puts the plug-in in error.
      outcome.complete(AuthenticationOutcome.error(HResult.NS_E_CRITICAL_ERROR));
      return;
    }
    Runnable timedOut = () -> outcome.complete(AuthenticationOutcome.error(HResult.E_TIMEOUT));
    Out<HResult> why = new Out<>(HResult.S_OK);
    AuthenticationContext ctx = contextHere(timedOut, why);
    if (ctx == null) {
      outcome.complete(AuthenticationOutcome.error(why.get()));
      return;
    }
    // A fresh object per call: the plug-in must hand back this very instance.
    Object exchange = new Object();
    CallbackGuard callback = new CallbackGuard(plugin, guard, exchange);
    HResult hr =
        guard.callMayBeBusy(
            plugin,
            "Authenticate",
            // The client on whose behalf LogonUser checks a password (limits, busy answer).
            () ->
                LogonCaller.during(
                    user,
                    () -> ctx.authenticate(blob, user, presentation, command, callback, exchange)),
            timedOut);
    if (hr.failed()) {
      outcome.complete(AuthenticationOutcome.error(hr));
      return;
    }
    if (callback.completion.isDone()) {
      outcome.complete(finish(ctx, callback.completion.join(), hr, timedOut));
      return;
    }
    // Like a call past its deadline, a missing callback is answered off the scheduler's thread.
    // Armed where the leg runs: a non-blocking plug-in's leg runs on the request's event loop,
    // where its answer (a Redis claim's) usually comes back and cancels it.
    Scheduler.Scheduled limit =
        scheduler.scheduleOnCaller(
            () ->
                guard.afterTimeout(
                    () -> callback.completion.completeExceptionally(new TimeoutException())),
            Duration.ofMillis(callbackTimeoutMillis));
    callback.completion.whenComplete(
        (done, e) -> {
          limit.cancel();
          if (e != null) {
            guard.failed(
                plugin,
                "Authenticate",
                HResult.E_TIMEOUT,
                "Authenticate returned but "
                    + "OnAuthenticateComplete was not called within "
                    + callbackTimeoutMillis
                    + " ms, nor OnAuthenticateRefused; the client was refused (every Authenticate"
                    + " must call one of them exactly once)");
            outcome.complete(AuthenticationOutcome.error(HResult.E_TIMEOUT));
            return;
          }
          // The plug-in called back on its own thread: collect the identity where its calls run.
          guard.dispatch(
              plugin,
              () -> outcome.complete(finish(ctx, done, hr, timedOut)),
              () -> outcome.complete(refusedOutcome()));
        });
  }

  /** {@code CreateAuthenticationContext} on the first leg. */
  private synchronized AuthenticationContext contextHere(Runnable timedOut, Out<HResult> why) {
    if (released) {
      why.set(HResult.SEC_E_CONTEXT_EXPIRED);
      return null;
    }
    if (context != null) {
      return context;
    }
    Out<AuthenticationContext> created = new Out<>();
    HResult hr =
        guard.call(
            plugin,
            "CreateAuthenticationContext",
            () -> plugin.authentication().createAuthenticationContext(created),
            timedOut);
    if (hr.succeeded() && created.get() == null) {
      guard.failed(
          plugin,
          "CreateAuthenticationContext",
          HResult.E_POINTER,
          "CreateAuthenticationContext succeeded but gave no context");
      hr = HResult.E_POINTER;
    }
    if (hr.failed()) {
      why.set(hr);
      return null;
    }
    context = created.get();
    return context;
  }

  private AuthenticationOutcome finish(
      AuthenticationContext ctx,
      CallbackGuard.Completion done,
      HResult returned,
      Runnable timedOut) {
    if (done.result() == AuthenticationResult.ERROR) {
      return AuthenticationOutcome.error(done.failure().failed() ? done.failure() : HResult.E_FAIL);
    }
    if (done.forbidden() != null && !plugin.descriptor().apiVersion().isBefore(ApiVersion.V1_4)) {
      return AuthenticationOutcome.forbidden(done.forbidden());
    }
    if (done.result() == AuthenticationResult.DENIED) {
      // A benign refusal (OnAuthenticateRefused, or DENIED with S_FALSE returned) counts only from
      // API 1.3 on: what an older plug-in returned with a refusal was never a promise that the
      // credentials were right.
      boolean said = done.benign() || HResult.S_FALSE.equals(returned);
      boolean benign = said && !LegacyProtocolFlags.before13(plugin.descriptor().apiVersion());
      return AuthenticationOutcome.denied(done.challenge(), benign);
    }
    if (done.result() != AuthenticationResult.SUCCESS) {
      return AuthenticationOutcome.of(done.result(), done.challenge());
    }
    AuthenticationOutcome last;
    synchronized (this) {
      if (released) {
        // Released while the plug-in answered (its client left): nothing to read, no one to tell.
        return AuthenticationOutcome.error(HResult.SEC_E_CONTEXT_EXPIRED);
      }
      collecting = true;
      last = lastSuccess;
    }
    AuthenticationOutcome read = null;
    try {
      read = identity(ctx, done, last, timedOut);
    } finally {
      Runnable release;
      synchronized (this) {
        collecting = false;
        release = releaseWhenCollected;
        releaseWhenCollected = null;
      }
      if (release != null) {
        // Released while the identity was read: the answer is nobody's.
        read = AuthenticationOutcome.error(HResult.SEC_E_CONTEXT_EXPIRED);
        release.run();
      }
    }
    return read;
  }

  /**
   * The identity of a SUCCESS, read from the context; {@code last} is the context's SUCCESS before
   * this one, or null.
   */
  private AuthenticationOutcome identity(
      AuthenticationContext ctx,
      CallbackGuard.Completion done,
      AuthenticationOutcome last,
      Runnable timedOut) {
    AuthenticationOutcome again = last == null ? null : sameLogonAgain(ctx, done, last, timedOut);
    if (again != null) {
      return again;
    }
    Out<String> userId = new Out<>();
    Out<String> account = new Out<>();
    Out<TokenHandle> token = new Out<>();
    Out<AccessToken> accessToken = new Out<>();
    HResult hr =
        guard.callOptional(
            plugin, "GetLogicalUserID", () -> ctx.getLogicalUserId(userId), timedOut);
    if (hr.succeeded() || hr.equals(HResult.E_NOTIMPL)) {
      hr =
          guard.callOptional(
              plugin,
              "GetImpersonationAccountName",
              () -> ctx.getImpersonationAccountName(account),
              timedOut);
    }
    if (hr.succeeded() || hr.equals(HResult.E_NOTIMPL)) {
      hr =
          guard.call(
              plugin, "GetImpersonationToken", () -> ctx.getImpersonationToken(token), timedOut);
    }
    if (hr.succeeded()) {
      hr = checkToken(token.get(), accessToken);
    }
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
    // A principal's token (logonPrincipal) is shown by its display name, a local account's by name.
    String logicalId =
        userId.get() != null
            ? userId.get()
            : account.get() != null ? accountName : accessToken.get().displayName();
    AuthenticationOutcome success =
        new AuthenticationOutcome(
            AuthenticationResult.SUCCESS,
            done.challenge(),
            HResult.S_OK,
            logicalId,
            accountName,
            token.get(),
            accessToken.get(),
            null,
            false);
    synchronized (this) {
      lastSuccess = success;
    }
    return success;
  }

  /**
   * A SUCCESS of a context that has answered SUCCESS before (one kept for a connection, API 1.6 and
   * 1.7) with the token of that answer again: the same logon, whose names the host read when it was
   * made, so only {@code GetImpersonationToken} is asked, not the two name getters. Null when this
   * is a first SUCCESS or comes with another token (a new logon, read in full).
   */
  private AuthenticationOutcome sameLogonAgain(
      AuthenticationContext ctx,
      CallbackGuard.Completion done,
      AuthenticationOutcome last,
      Runnable timedOut) {
    Out<TokenHandle> token = new Out<>();
    HResult hr =
        guard.call(
            plugin, "GetImpersonationToken", () -> ctx.getImpersonationToken(token), timedOut);
    if (hr.failed()) {
      return AuthenticationOutcome.error(hr);
    }
    Out<AccessToken> now = new Out<>();
    if (!last.token().equals(token.get())
        || tokens.queryToken(plugin.id(), token.get(), now).failed()
        || now.get() != last.accessToken()) {
      return null;
    }
    // A release meanwhile waited for this read, and makes the answer an error (finish).
    return new AuthenticationOutcome(
        AuthenticationResult.SUCCESS,
        done.challenge(),
        HResult.S_OK,
        last.logicalUserId(),
        last.accountName(),
        last.token(),
        last.accessToken(),
        null,
        false);
  }

  private HResult checkToken(TokenHandle handle, Out<AccessToken> accessToken) {
    if (handle == null) {
      guard.failed(
          plugin,
          "GetImpersonationToken",
          HResult.E_POINTER,
          "GetImpersonationToken succeeded but gave no token handle");
      return HResult.E_POINTER;
    }
    // Only a handle this plug-in issued counts; another plug-in's handle does not exist for it.
    HResult hr = tokens.queryToken(plugin.id(), handle, accessToken);
    if (hr.failed()) {
      guard.failed(
          plugin,
          "GetImpersonationToken",
          hr,
          "GetImpersonationToken returned "
              + handle
              + ", which is closed or was never issued ("
              + hr
              + "); a context must keep its token open "
              + "until it is released");
    }
    return hr;
  }

  /**
   * {@code GetImpersonationToken} on this session's context, as a consumer of the token (an ACL
   * check, the contract kit) asks it, also after a failed leg or after {@link #release()}, where
   * the SSPI rule wants a failing HRESULT ({@code SEC_E_INVALID_HANDLE} once released). Guarded
   * like every call and run where the plug-in's calls run; the plug-in's answer is not judged here.
   *
   * @return the HRESULT; {@code SEC_E_NO_IMPERSONATION} (without calling) before the first leg
   *     created a context; {@code E_TIMEOUT} past the time limit
   */
  public CompletableFuture<HResult> askImpersonationToken(Out<TokenHandle> out) {
    AuthenticationContext ctx;
    synchronized (this) {
      ctx = context;
    }
    if (ctx == null || plugin == null) {
      return CompletableFuture.completedFuture(HResult.SEC_E_NO_IMPERSONATION);
    }
    CompletableFuture<HResult> answer = new CompletableFuture<>();
    guard.dispatch(
        plugin,
        () ->
            answer.complete(
                guard.callForAnswer(
                    plugin,
                    "GetImpersonationToken",
                    () -> ctx.getImpersonationToken(out),
                    () -> answer.complete(HResult.E_TIMEOUT))),
        () -> answer.complete(refusal()));
    return answer;
  }

  @Override
  public void close() {
    release();
  }

  /**
   * Names what ends the client's connection should this session still be open when its plug-in
   * version's drain time runs out (a connection-bound handshake, or a logon it carries): the front
   * that keeps the session on a connection sets it.
   */
  public void onDrainTimeout(Runnable closeConnection) {
    this.closeConnection = closeConnection;
  }

  /**
   * Names what its connection does when its plug-in version begins to drain: a context kept for a
   * connection that no request is using holds only a token the next request gets again, and is
   * released then, so that the old version does not wait its drain time for an idle client.
   */
  public void onDrainBegun(Runnable begun) {
    this.drainBegun = begun;
  }

  /** The drain of its version began (a reload, a reconfigure, a removal). */
  void drainBegun() {
    Runnable begun = drainBegun;
    if (begun != null) {
      begun.run();
    }
  }

  /** The drain of its version timed out: the connection is closed and the context released. */
  void drainTimedOut() {
    Runnable close = closeConnection;
    if (close != null) {
      try {
        close.run();
      } catch (RuntimeException e) {
        // The connection is going anyway; the release below is what matters.
      }
    }
    release();
  }

  /**
   * Releases the context, which closes its token. A token the context forgot to close is closed by
   * the host and reported, so a leaky plug-in cannot keep tokens alive past their exchange. Runs
   * where the plug-in's calls run (see {@link PluginGuard#dispatch}); when its bulkhead refuses the
   * release, the host closes the token itself, so that it never outlives the exchange.
   *
   * @return completes once the plug-in's release has run
   */
  public CompletableFuture<Void> release() {
    CompletableFuture<Void> done = releaseContext();
    if (plugin == null) {
      return done;
    }
    // Counted out once the plug-in's own release has run: a drain that ends now disables a
    // plug-in that has no release of its left to make.
    return done.whenComplete((ignored, e) -> plugin.released(this));
  }

  private CompletableFuture<Void> releaseContext() {
    AuthenticationContext ctx;
    TokenHandle token;
    synchronized (this) {
      if (released) {
        return CompletableFuture.completedFuture(null);
      }
      released = true;
      ctx = context;
      token = lastToken;
      if (ctx != null && collecting) {
        CompletableFuture<Void> later = new CompletableFuture<>();
        releaseWhenCollected =
            () -> releaseContext(ctx, token).whenComplete((v, e) -> later.complete(null));
        return later;
      }
    }
    return ctx == null ? CompletableFuture.completedFuture(null) : releaseContext(ctx, token);
  }

  /** Calls the context's release where the plug-in's calls run, and closes a token it left. */
  private CompletableFuture<Void> releaseContext(AuthenticationContext ctx, TokenHandle token) {
    if (plugin.wedged()) {
      // A call into it never returned: no more calls, not even this one, which would only take
      // another of its threads. The token is the host's to close.
      if (token != null) {
        tokens.closeHandle(token);
      }
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable releaseHere =
        () -> {
          guard.call(
              plugin,
              "Release",
              () -> {
                ctx.release();
                return HResult.S_OK;
              },
              () -> done.complete(null));
          if (token != null && tokens.closeHandle(token).succeeded()) {
            guard.warn(
                plugin,
                HResult.E_HANDLE,
                "the context was released without closing its token "
                    + token
                    + "; the host closed it. Close the token in release()");
          }
          done.complete(null);
        };
    guard.dispatch(
        plugin,
        releaseHere,
        () -> {
          if (token != null) {
            tokens.closeHandle(token);
          }
          done.complete(null);
        });
    return done;
  }
}
