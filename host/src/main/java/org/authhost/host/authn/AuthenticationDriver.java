package org.authhost.host.authn;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.Capability;
import org.authhost.api.HResult;
import org.authhost.api.PasswordCredential;
import org.authhost.api.Sid;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.access.Right;
import org.authhost.host.metrics.HostMetrics;
import org.authhost.host.metrics.LogonResult;
import org.authhost.host.plugins.AuthenticationOutcome;
import org.authhost.host.plugins.AuthenticationSession;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.state.HostState;
import org.authhost.host.tokens.Account;
import org.authhost.host.tokens.AccountDirectory;
import org.authhost.host.tokens.ExpiredTokenException;
import org.authhost.host.tokens.Impersonation;
import org.authhost.host.tokens.InvalidHandleException;
import org.authhost.host.tokens.TokenTable;

/**
 * The one place where the WMS challenge/response contract meets the fronts, and where plug-in
 * results become verdicts ({@link Verdict}: serve, or a {@link Refusal} that each front renders in
 * its own protocol): offers the enabled plug-ins as {@code WWW-Authenticate} challenges (anonymous
 * first, as WMS does), routes {@code Authorization} to the plug-in of its scheme, keeps one context
 * per request or, for connection-bound protocols, per connection, and authorizes the result under
 * the impersonated token.
 *
 * <table>
 *   <caption>Verdicts and answers</caption>
 *   <tr><td>CONTINUE</td><td>401 with the plug-in's challenge</td></tr>
 *   <tr><td>DENIED for an account the plug-in named (or whose password the host checked)</td>
 *       <td>401 with fresh challenges; a failed logon (audit WARNING); counts towards the lockout
 *       of the account (never the built-in Administrator's) and of the address</td></tr>
 *   <tr><td>DENIED naming nobody</td><td>the same, counted towards the address only</td></tr>
 *   <tr><td>DENIED said to be benign ({@code OnAuthenticateRefused}, or {@code S_FALSE}; API 1.3:
 *       malformed, a replay, a stale nonce)</td><td>401
 *       with fresh challenges; a refusal (audit INFORMATION); counts towards nothing</td></tr>
 *   <tr><td>DENIED said to be final ({@code OnAuthenticateForbidden}, API 1.4: an expired or
 *       wrongly signed URL)</td><td>403 without a challenge; a refusal (audit WARNING) with the
 *       plug-in's reason; counts towards nothing</td></tr>
 *   <tr><td>SUCCESS</td><td>authorize: 403 and audit, or serve</td></tr>
 *   <tr><td>ERROR, time-out, no usable plug-in</td><td>503: the server cannot authenticate now
 *       (never 500, never open)</td></tr>
 *   <tr><td>the plug-in's bulkhead is full, or a service it needs cannot serve (the shared state
 *       in a Redis outage) ({@code NS_E_NO_NEW_CONNECTIONS})</td><td>503 with Retry-After: 1,
 *       audited as a refusal naming which of the two, not a logon failure</td></tr>
 *   <tr><td>locked out</td><td>429 with Retry-After, only where a credential check would
 *       happen: never for anonymous access, a bare request or an authenticated connection; an
 *       account's lockout is checked on the name the client claimed, and every attempt on a
 *       locked account counts towards the address</td></tr>
 *   <tr><td>slow password checks busy (security.slowChecks)</td><td>503 with Retry-After; not a
 *       logon failure, no lockout count</td></tr>
 * </table>
 */
@Singleton
public final class AuthenticationDriver {
  private final PluginHost plugins;
  private final TokenTable tokens;
  private final LogonThrottle throttle;
  private final Audit audit;
  private final Clock clock;
  private final AccountDirectory accounts;
  private final UrlCredentials urlCredentials;
  private final HostMetrics metrics;

  /** What the audit of a 503 says the state store's trouble may be; its back end, named. */
  private final String stateTrouble;

  @Inject
  public AuthenticationDriver(
      PluginHost plugins,
      TokenTable tokens,
      LogonThrottle throttle,
      Audit audit,
      Clock clock,
      AccountDirectory accounts,
      UrlCredentials urlCredentials,
      HostMetrics metrics,
      HostState state) {
    this.metrics = metrics;
    // A store in memory is never unreachable; only Redis is.
    this.stateTrouble =
        state.storeName() + (state.redis().isPresent() ? " unreachable, or full" : " full");
    this.plugins = plugins;
    this.tokens = tokens;
    this.throttle = throttle;
    this.audit = audit;
    this.clock = clock;
    this.accounts = accounts;
    this.urlCredentials = urlCredentials;
  }

  /** {@link LogonThrottle#accountName}: the one name per account the lockout counts and checks. */
  private String accountKey(String written) {
    return throttle.accountName(written);
  }

  /** Whether {@code plugin} may check a password, the secret the account lockout protects. */
  private static boolean checksPasswords(PluginView plugin) {
    return plugin.capabilities().contains(Capability.PASSWORD_CHECK)
        || plugin.capabilities().contains(Capability.DIGEST_HA1)
        || plugin.capabilities().contains(Capability.NT_HASH);
  }

  /** {@link #accountKey(String)} of a logon that succeeded: the token names the account. */
  private static String accountKey(AccessToken token) {
    return isBuiltinAdministrator(token.user())
        ? null
        : token.accountName().toLowerCase(Locale.ROOT);
  }

  /**
   * The built-in Administrator (RID 500) is never locked out by account, as on Windows, so that
   * nobody who knows its name can lock the operator out; the address lockout still applies to every
   * attempt on it, so its password cannot be guessed from one address past {@code
   * addressThreshold}.
   */
  private static boolean isBuiltinAdministrator(Sid account) {
    return Account.isBuiltinAdministrator(account);
  }

  /**
   * Everything the driver needs about one request.
   *
   * @param right what the client asks to do at the point (an HTTP client: by its method)
   * @param onBehalf what differs when a streaming server asks for its client, or null
   */
  public record Attempt(
      Request request,
      PublishingPoint point,
      ClientConnection connection,
      ClientAddress client,
      HttpUserContext user,
      HttpPresentationContext presentation,
      HttpCommandContext command,
      String authorization,
      Right right,
      OnBehalf onBehalf) {}

  /**
   * A streaming server asking on its client's behalf ({@code integrations}): no context lives from
   * one call to the next (the caller's connection carries many clients), a password from the
   * client's URL goes to the first plug-in of the point that {@linkplain
   * AuthenticationFlags#SENDS_PASSWORD checks passwords}, and a success is audited once per client,
   * account and stream in {@code successes}' interval rather than once per connection.
   *
   * @param contract the caller's contract as the audit names it, e.g. {@code nginx auth_request}
   * @param password a user name and password from the client's URL or the call's payload, or null
   * @param successes where successes are counted
   * @param stream the stream (or original URI) the success is audited for
   * @param credentialsInPayload whether the client's credentials come in the call's payload (its
   *     URL or fields) rather than as an answer to a challenge (nginx auth_request): then plug-ins
   *     that check passwords stay on offer whatever the client's leg, the password having travelled
   */
  public record OnBehalf(
      String contract,
      PasswordCredential password,
      SuccessAudits successes,
      String stream,
      boolean credentialsInPayload) {}

  public CompletableFuture<Verdict> decide(Attempt a) {
    // No lockout here: it guards credential checks only (see attempt), so a locked address still
    // gets anonymous content and challenges. An attacker behind a NAT still locks everyone behind
    // it out of logging on (one address to the host), but not out of public content.
    OnBehalf onBehalf = a.onBehalf();
    if (onBehalf != null && onBehalf.password() != null && a.authorization() == null) {
      Optional<PluginView> checker = passwordChecker(a.point());
      if (checker.isPresent()) {
        return withPassword(a, checker.get(), onBehalf.password());
      }
      // A password for a point that checks none is ignored, as an Authorization header is where
      // only an anonymous plug-in is offered.
    }
    List<PluginView> offered =
        onBehalf != null && onBehalf.credentialsInPayload()
            ? ownList(a.point(), plugins.offeredAuthenticationPlugins())
            : offeredFor(a.point(), a.client());
    if (offered.isEmpty()) {
      return done(
          Refusal.unavailable("no authentication plug-in is available for this publishing point")
              .audited(HResult.NS_E_CRITICAL_ERROR, "no usable authentication plug-in"));
    }
    boolean onlyAnonymous = true;
    for (PluginView p : offered) {
      onlyAnonymous &= AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS);
    }
    if (a.authorization() == null && !onlyAnonymous) {
      // A credential in the URL (API 1.4) goes to its plug-in as its scheme's header would.
      Optional<UrlCredentials.Found> inUrl =
          urlCredentials.find(offered, a.command().requestTarget());
      if (inUrl.isPresent()) {
        return attempt(
            a,
            inUrl.get().plugin(),
            inUrl.get().blob().getBytes(StandardCharsets.ISO_8859_1),
            offered,
            a.command());
      }
    }
    // Credentials for a point that asks for none are not the client's mistake: they are ignored.
    if (a.authorization() == null || onlyAnonymous) {
      AuthenticationOutcome already = a.connection().authenticated();
      String by = a.connection().authenticatedPlugin();
      // Only where that plug-in is offered: another publishing point may demand another protocol.
      PluginView boundBy = already == null ? null : named(offered, by);
      if (boundBy != null) {
        // A connection-bound handshake already proved who this connection is.
        return authorize(a, already, boundBy, offered, () -> {});
      }
      PluginView first = offered.get(0);
      if (AuthenticationFlags.has(first.flags(), AuthenticationFlags.ANONYMOUS)) {
        return anonymous(a, first, offered);
      }
      return challenge(a, offered, "authentication required");
    }
    String header = a.authorization().strip();
    int space = indexOfWhitespace(header);
    String scheme = space < 0 ? header : header.substring(0, space);
    // One copy of the credentials, however long, straight into the plug-in's octets: the header
    // is stripped already, so only the whitespace after the scheme is left to skip (what strip()
    // would take off).
    int from = space;
    while (from >= 0 && from < header.length() && Character.isWhitespace(header.charAt(from))) {
      from++;
    }
    byte[] credentials = space < 0 ? new byte[0] : latin1(header, from);
    if (scheme.isEmpty() || !isToken(scheme)) {
      return done(
          Refusal.malformed(
              Refusal.Kind.BAD_REQUEST,
              "malformed Authorization header",
              "malformed Authorization header (no valid scheme)"));
    }
    PluginView plugin = null;
    for (PluginView p : offered) {
      // RFC 7235: the scheme is case-insensitive.
      if (!AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS)
          && p.protocol().equalsIgnoreCase(scheme)) {
        plugin = p;
        break;
      }
    }
    if (plugin == null) {
      return challengeAudited(
          a,
          offered,
          "unsupported authentication scheme",
          HResult.SEC_E_INVALID_TOKEN,
          "Authorization scheme '" + cut(scheme) + "' is not offered here");
    }
    // No count of logons in progress here: what needs protecting is the slow hash, which the
    // password verifier limits (security.slowChecks); cheap checks are never refused.
    return attempt(a, plugin, credentials, offered, a.command());
  }

  /**
   * A request without credentials from a client whose {@code logon} this connection already holds
   * (an RTSP keep-alive or PLAY in the session it set up): the host's own rules again, as they
   * stand now, without asking the plug-in and without a new logon to audit. Refused, audited, in
   * the order a request with credentials meets them: the point's address lists (403), the plug-in
   * no longer offered here (disabled, in error, or not the point's: 401 with what is offered, or
   * 503), a lockout of the address or the account (429, as the same client's next request with
   * credentials would get), the account disabled or deleted (401) or its principal's proof expired
   * (401), the ACL with the account's current groups (403). Cheap, as it runs for every such
   * request: look-ups in memory, no plug-in call, no password hash.
   */
  public CompletableFuture<Verdict> reauthorize(Attempt a, Logon logon) {
    AccessToken was = logon.token();
    String account = logon.account();
    if (!a.point().ipRules().allows(a.client().inet())) {
      return done(
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "client address "
                      + a.client().address()
                      + " is not allowed by publishing point "
                      + a.point().name()
                      + " (the session of "
                      + account
                      + " ends here)"));
    }
    List<PluginView> offered = offeredFor(a.point(), a.client());
    Optional<PluginView> by =
        offered.stream().filter(p -> p.id().equals(logon.pluginId())).findFirst();
    if (by.isEmpty()) {
      a.connection().logonEnded();
      String why =
          "the "
              + logon.pluginId()
              + " plug-in that logged "
              + account
              + " on is no longer offered at publishing point "
              + a.point().name()
              + " (disabled, in error or taken off the point's list); the client must log on again";
      if (offered.isEmpty()) {
        return done(
            Refusal.unavailable("no authentication plug-in is available for this publishing point")
                .audited(HResult.NS_E_CRITICAL_ERROR, why));
      }
      return challengeAudited(a, offered, "log on again", HResult.SEC_E_INVALID_TOKEN, why);
    }
    String key = checksPasswords(by.get()) ? accountKey(was) : null;
    Optional<LogonThrottle.Lockout> locked = throttle.lockedOut(a.client().address(), key);
    if (locked.isPresent()) {
      return done(
          lockedOut(locked.get(), account)
              .audited(
                  HResult.E_ACCESSDENIED,
                  (locked.get().ofAccount()
                          ? "the account " + account
                          : "the address " + a.client().address())
                      + " is locked out after repeated logon failures; the session of "
                      + account
                      + " is refused until the lockout ends"));
    }
    Optional<AccessToken> now = tokens.asNow(was);
    if (now.isEmpty() || now.get().hasExpired(clock.instant())) {
      a.connection().logonEnded();
      String why =
          now.isEmpty()
              ? "the account "
                  + account
                  + " is disabled or deleted; nothing is authorized with its logon any more"
              : "the token of "
                  + account
                  + " from plug-in '"
                  + logon.pluginId()
                  + "' expired at "
                  + was.expiresAt()
                  + "; nothing is authorized with it, the client must log on again";
      // A plug-in that refuses without a challenge (a signed URL's: the request carries none)
      // answers 403; the audit still says why the session ends, not what the plug-in saw.
      return challenge(a, offered, now.isEmpty() ? "log on again" : "the logon has expired")
          .thenApply(
              v ->
                  v instanceof Refusal r
                          && (r.kind() == Refusal.Kind.LOG_ON || r.kind() == Refusal.Kind.FORBIDDEN)
                      ? r.audited(
                          now.isEmpty()
                              ? HResult.SEC_E_LOGON_DENIED
                              : HResult.SEC_E_CONTEXT_EXPIRED,
                          why)
                      : v);
    }
    if (!a.point().acl().permits(now.get(), a.right())) {
      return done(
          Refusal.forbidden()
              .audited(
                  HResult.E_ACCESSDENIED,
                  "access denied to "
                      + account
                      + " by the ACL of publishing point "
                      + a.point().name()
                      + " (plug-in "
                      + logon.pluginId()
                      + ", reauthorized without credentials)"));
    }
    return done(
        new Verdict.Serve(
            a.point(),
            account,
            List.of(),
            now.get() == was ? logon : new Logon(logon.pluginId(), account, now.get()),
            !AuthenticationFlags.has(by.get().flags(), AuthenticationFlags.ANONYMOUS)));
  }

  /**
   * A password the client gave in its URL (a streaming server's call): to the first plug-in of the
   * point that checks passwords, with an empty blob. Not filtered by the client's leg as a Basic
   * challenge is: the password has already travelled, and refusing it would not bring it back.
   */
  private CompletableFuture<Verdict> withPassword(
      Attempt a, PluginView checker, PasswordCredential password) {
    List<PluginView> offered = ownList(a.point(), plugins.offeredAuthenticationPlugins());
    return attempt(a, checker, new byte[0], offered, a.command().withPassword(password));
  }

  /** The first plug-in of the point that checks passwords, whatever the client's leg. */
  private Optional<PluginView> passwordChecker(PublishingPoint point) {
    return ownList(point, plugins.offeredAuthenticationPlugins()).stream()
        .filter(p -> !AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS))
        .filter(p -> AuthenticationFlags.has(p.flags(), AuthenticationFlags.SENDS_PASSWORD))
        .findFirst();
  }

  private CompletableFuture<Verdict> attempt(
      Attempt a,
      PluginView plugin,
      byte[] blob,
      List<PluginView> offered,
      HttpCommandContext command) {
    // A credential check is about to happen: the one place where an address's lockout applies
    // before the plug-in is asked (its account's, once known, is checked on the outcome).
    Optional<Instant> lockedAddress = throttle.addressLockedOut(a.client().address());
    if (lockedAddress.isPresent()) {
      metrics.logon(plugin.id(), LogonResult.LOCKOUT);
      return done(lockedOut(lockedAddress.get(), Refusal.Lock.ofAddress()));
    }
    // On a streaming server's behalf no connection is the client's: every call is one leg.
    boolean bound =
        a.onBehalf() == null
            && AuthenticationFlags.has(plugin.flags(), AuthenticationFlags.CONNECTION_BOUND);
    KeptContext kept = bound ? null : kept(a, plugin);
    AuthenticationSession session =
        bound
            ? a.connection().bound(plugin.id(), () -> plugins.session(plugin.id()))
            : kept != null ? kept.session() : plugins.session(plugin.id());
    if (session == null) {
      return done(connectionClosing());
    }
    if (bound) {
      a.connection().nextLegArrived();
    }
    // Ended in verdict, which every leg reaches: authenticate always completes normally.
    metrics.handshakeBegun();
    Leg leg = new Leg(session, bound, kept);
    return session
        .authenticate(blob, a.user(), a.presentation(), command)
        .thenCompose(
            outcome -> {
              try {
                return verdict(a, plugin, leg, blob, outcome, offered);
              } catch (RuntimeException e) {
                // A decision that threw midway: its kept context would stay marked as in use,
                // and a drain that begins would leave it to its drain time.
                if (kept != null) {
                  kept.drop();
                }
                throw e;
              }
            });
  }

  /**
   * Where one request's {@code Authenticate} went: a context of its own, the connection's bound one
   * ({@code bound}), or the one it keeps for the plug-in ({@code kept}, else null).
   */
  private record Leg(AuthenticationSession session, boolean bound, KeptContext kept) {
    /** Whether the context outlives the request (its connection's close may release it first). */
    boolean outlivesRequest() {
      return bound || kept != null;
    }

    /**
     * The SUCCESS's token is checked: a request's own context is released, a kept one handed back
     * to its connection, a bound one stays.
     */
    void checked() {
      if (kept != null) {
        kept.legEnded();
      } else if (!bound) {
        session.release();
      }
    }
  }

  /**
   * The context {@code a}'s connection keeps for {@code plugin} ({@link KeptContext}), or null
   * where none is kept: a new context per request then.
   */
  private KeptContext kept(Attempt a, PluginView plugin) {
    String id = plugin.id();
    return KeptContext.allowed(a, plugin)
        ? KeptContext.take(a.connection(), id, () -> plugins.session(id), this::stillStands)
        : null;
  }

  private CompletableFuture<Verdict> verdict(
      Attempt a,
      PluginView plugin,
      Leg leg,
      byte[] blob,
      AuthenticationOutcome outcome,
      List<PluginView> offered) {
    boolean bound = leg.bound();
    boolean answered = blob.length > 0;
    metrics.handshakeEnded();
    // Whom the client claimed to be, for the lock check: the name the plug-in reported, even one it
    // withdrew afterwards, else the account whose password the host checked for this request.
    String claimed = a.user().claimedName().or(a.user()::passwordCheckedFor).orElse(null);
    // Whom a failed logon counts against: the name the plug-in stands by.
    String account = a.user().userName().or(a.user()::passwordCheckedFor).orElse(null);
    // On success the token already names the account in its qualified form; only a failed
    // attempt's name needs looking up.
    // The account lockout protects passwords. A plug-in that can check none (it holds no
    // password-check, digest-ha1 or nt-hash: signed URLs, bearer tokens, tickets) proves with a
    // secret that is not the account's, which no guess at the password reaches: its successful
    // logons neither meet the account's lock (three wrong Basic passwords must not stop every
    // signed link of a shared account) nor reset its count. Its refusals count as ever, and the
    // address lockout applies to all.
    String key =
        outcome.result() == AuthenticationResult.SUCCESS && !checksPasswords(plugin)
            ? null
            : outcome.result() == AuthenticationResult.SUCCESS && outcome.accessToken() != null
                ? accountKey(outcome.accessToken())
                : accountKey(claimed);
    // Before the lock check: the same guess again is answered as it was the first time.
    byte[] proof = failedProof(a, plugin, blob, outcome, account);
    if (proof != null && a.connection().refusedLast(proof)) {
      return refusedAgain(a, plugin, leg, outcome, offered, account);
    }
    if (outcome.result() == AuthenticationResult.SUCCESS
        || outcome.result() == AuthenticationResult.DENIED) {
      // A locked account gets the same answer whether the password was right or wrong, a benign
      // refusal (a replay) included, so the lockout cannot be used to test passwords.
      Optional<LogonThrottle.Lockout> locked = throttle.lockedOut(a.client().address(), key);
      if (locked.isPresent()) {
        end(a, plugin, leg);
        // Every attempt on a locked account counts toward its address, right or wrong alike (the
        // count must not tell them apart either): guessing on against the lock trips the
        // address lockout.
        LogonThrottle.Lockout lockout = locked.get();
        // The name the key was made of: the token's on a success, else the one claimed.
        String lockedName =
            outcome.result() == AuthenticationResult.SUCCESS && outcome.accessToken() != null
                ? outcome.accessToken().accountName()
                : claimed;
        metrics.logon(plugin.id(), LogonResult.LOCKOUT);
        return throttle
            .failed(a.client().address(), null)
            .thenApply(
                begun -> {
                  lockoutsBegun(a, begun, null, plugin);
                  return lockedOut(lockout, lockedName);
                });
      }
    }
    switch (outcome.result()) {
      case CONTINUE -> {
        metrics.logon(plugin.id(), LogonResult.CONTINUE);
        if (!bound) {
          end(a, plugin, leg);
        } else if (a.connection().awaitNextLeg(metrics::handshakeEnded)) {
          metrics.handshakeBegun();
        }
        if (answered
            && a.onBehalf() != null
            && AuthenticationFlags.has(plugin.flags(), AuthenticationFlags.CONNECTION_BOUND)) {
          // Its next leg would come on whichever pooled connection the caller picks, to a context
          // that no longer exists: refused, and not a guess at a password.
          return done(
              Refusal.forbidden()
                  .audited(
                      HResult.E_ACCESSDENIED,
                      "a handshake that needs a second leg cannot pass through "
                          + a.onBehalf().contract()
                          + "; use a one-leg mechanism such as Kerberos (the "
                          + plugin.id()
                          + " plug-in asked for a second leg on the same connection)"));
        }
        return done(
            Refusal.logOn(
                challengeHeaders(plugin, outcome.challenge()),
                "continue the " + plugin.protocol() + " handshake"));
      }
      case DENIED -> {
        end(a, plugin, leg);
        if (outcome.isForbidden()) {
          metrics.logon(plugin.id(), LogonResult.FORBIDDEN);
          return done(forbiddenByPlugin(plugin, outcome.forbidden()));
        }
        String ownId =
            outcome.challenge() == null || outcome.challenge().length == 0 ? null : plugin.id();
        if (outcome.benign()) {
          // A benign refusal (API 1.3: OnAuthenticateRefused, or DENIED with S_FALSE returned):
          // the plug-in says this was no guess at a password (malformed, replayed, or Digest's
          // stale nonce whose credentials were right, RFC 7616 §3.3). Counting it would let
          // garbage or a captured header lock out clients that did nothing wrong: a fresh
          // challenge, audited as a refusal.
          metrics.logon(plugin.id(), LogonResult.REFUSED);
          String refused =
              claimed == null
                  ? "refused credentials without naming an account"
                  : "refused credentials of account " + Audit.quoted(claimed);
          return challenge(a, offered, "credentials not accepted", ownId, outcome.challenge())
              .thenApply(
                  v ->
                      v instanceof Refusal r && r.kind() == Refusal.Kind.LOG_ON
                          ? r.audited(
                              HResult.SEC_E_INVALID_TOKEN,
                              "the "
                                  + plugin.id()
                                  + " plug-in "
                                  + refused
                                  + " as not a guess (a benign refusal: malformed, replayed or"
                                  + " stale); not a failed logon")
                          : v);
        }
        metrics.logon(plugin.id(), LogonResult.DENIED);
        // A refusal the plug-in stands by is a failed logon, also when it names nobody (a
        // plug-in that checks a secret without knowing whose it is): then it counts toward the
        // address only, so that guessing through such a plug-in still trips the address lockout.
        logonFailed(
            a,
            account,
            plugin,
            HResult.SEC_E_LOGON_DENIED,
            account == null
                ? "credentials refused by the plug-in, which named no account"
                : "credentials refused by the plug-in");
        // The answer waits for the count: with shared lockouts, the next attempt (on any host)
        // must meet the lockout this failure began.
        return throttle
            .failed(a.client().address(), accountKey(account))
            .thenCompose(
                begun -> {
                  lockoutsBegun(a, begun, account, plugin);
                  // A lockout this host learned only with the count (Redis answered "locked
                  // already": another host's, whose message had not come) gets the answer of a
                  // lockout known before the check, as the next request would.
                  Optional<LogonThrottle.Lockout> learned =
                      begun.isEmpty()
                          ? throttle.lockedOut(a.client().address(), accountKey(account))
                          : Optional.empty();
                  if (learned.isPresent()) {
                    return CompletableFuture.<Verdict>completedFuture(
                        lockedOut(learned.get(), account));
                  }
                  if (proof != null) {
                    a.connection().refused(proof);
                  }
                  // Only a refusal that names an account was about a user name; a secret that
                  // stands alone (an API key, a signed token) was simply not accepted.
                  return challenge(
                      a,
                      offered,
                      account == null ? "credentials not accepted" : "wrong user name or password",
                      ownId,
                      outcome.challenge());
                });
      }
      case SUCCESS -> {
        CompletableFuture<Verdict> heldRefused =
            leg.kept() != null && leg.kept().sameLogon(outcome)
                ? heldTokenRefused(a, plugin, leg, outcome, offered)
                : null;
        if (heldRefused != null) {
          return heldRefused;
        }
        metrics.logon(plugin.id(), LogonResult.SUCCESS);
        throttle.succeeded(key);
        logonSucceeded(a, outcome, plugin);
        if (bound) {
          a.connection().authenticated(plugin.id(), outcome);
        }
        // A request's own context keeps the token until the check is done; a kept one keeps it
        // for the connection's next request.
        return authorize(a, outcome, plugin, offered, leg::checked);
      }
      default -> {
        end(a, plugin, leg);
        if (leg.outlivesRequest() && a.connection().isClosed()) {
          // The client left while the context its connection kept answered (a shared store's
          // round trip): its release under the leg is no failure of the plug-in's, and nobody
          // reads the answer.
          return done(connectionClosing());
        }
        if (a.user().wasSlowCheckRefused()) {
          metrics.logon(plugin.id(), LogonResult.BUSY);
          return done(SlowCheckBusy.refusal());
        }
        if (outcome.hresult().equals(HResult.NS_E_NO_NEW_CONNECTIONS)) {
          metrics.logon(plugin.id(), LogonResult.BUSY);
          return done(busy(plugin, outcome));
        }
        metrics.logon(plugin.id(), LogonResult.ERROR);
        logonFailed(
            a,
            account,
            plugin,
            outcome.hresult(),
            "the plug-in failed (" + outcome.hresult() + "); failing closed");
        return done(
            Refusal.unavailable(
                "authentication is unavailable: the " + plugin.protocol() + " plug-in failed"));
      }
    }
  }

  /**
   * The {@link RefusedProof#print} of a failed logon's credentials (the same octets for the same
   * account, plug-in, method and target, with the same headers the plug-in read, print alike), or
   * null where no retry is told apart: not a failed logon (a success, a benign or final refusal, a
   * plug-in busy or failing), or a streaming server's call, whose connection carries many clients.
   */
  private static byte[] failedProof(
      Attempt a, PluginView plugin, byte[] blob, AuthenticationOutcome outcome, String account) {
    if (outcome.result() != AuthenticationResult.DENIED
        || a.onBehalf() != null
        || blob.length == 0
        || outcome.benign()
        || outcome.isForbidden()) {
      return null;
    }
    return RefusedProof.print(
        plugin.id(),
        account,
        a.command().method(),
        a.command().requestTarget(),
        a.command().headersRead(),
        blob);
  }

  /**
   * The same guess again ({@link #failedProof}, refused last on this connection as a failed logon
   * answered 401, within its {@link RefusedProof#FREE_REPEATS}): answered as the first time (401
   * with the plug-in's challenges), but neither a new failed logon nor a new count, and not met by
   * a lockout that guess began (it was answered 401 then: the answer says nothing new of the
   * password). A refusal in the audit (INFORMATION). Every different guess still counts, on this
   * connection or another.
   */
  private CompletableFuture<Verdict> refusedAgain(
      Attempt a,
      PluginView plugin,
      Leg leg,
      AuthenticationOutcome outcome,
      List<PluginView> offered,
      String account) {
    end(a, plugin, leg);
    metrics.logon(plugin.id(), LogonResult.REFUSED);
    String ownId =
        outcome.challenge() == null || outcome.challenge().length == 0 ? null : plugin.id();
    String why =
        "the "
            + plugin.id()
            + " plug-in refused again the credentials it refused last on this connection"
            + (account == null ? "" : " (account=" + Audit.quoted(shown(account)) + ")")
            + ", sent again unchanged (a client's own retry); the same guess, counted once";
    return challenge(a, offered, "wrong user name or password", ownId, outcome.challenge())
        .thenApply(
            v ->
                v instanceof Refusal r && r.kind() == Refusal.Kind.LOG_ON
                    ? r.audited(HResult.SEC_E_LOGON_DENIED, why)
                    : v);
  }

  /**
   * A refusal no credential will mend (API 1.4, {@code OnAuthenticateForbidden}: a signed URL that
   * expired, was signed for another path or address, or whose signature is wrong): 403 without a
   * challenge, since a new {@code Authorization} cannot help. Audited as a refusal with the
   * plug-in's reason, not as a failed logon, and counted towards no lockout: the proof is a
   * signature nobody guesses, and counting it would let anyone who shares a link's address lock
   * that address out by replaying an expired link.
   */
  private static Refusal forbiddenByPlugin(PluginView plugin, String reason) {
    return Refusal.forbidden()
        .audited(
            HResult.E_ACCESSDENIED,
            "the " + plugin.id() + " plug-in refused the request without a challenge: " + reason);
  }

  /**
   * The audit of logons, kept with the connection's memory of them: a keep-alive client proving the
   * same account again is not a new logon, and after a failure the next success always is.
   */
  private void logonSucceeded(Attempt a, AuthenticationOutcome outcome, PluginView plugin) {
    String account = outcome.accountName();
    OnBehalf onBehalf = a.onBehalf();
    if (onBehalf != null
        ? !onBehalf.successes().isFirst(a.client().address(), account, onBehalf.stream())
        : !a.connection().isNewLogon(a.point().name(), plugin.id(), account)) {
      return;
    }
    if (AuthenticationFlags.has(plugin.flags(), AuthenticationFlags.ANONYMOUS)) {
      audit.anonymousLogonSucceeded(a.request(), account, plugin.id(), plugin.protocol());
    } else {
      audit.logonSucceeded(
          a.request(),
          account,
          plugin.id(),
          plugin.protocol(),
          outcome.logicalUserId(),
          tokens.unmappedGroups(outcome.token()));
    }
  }

  /** Audits the lockouts a failure began, the account's named as its failed logons name it. */
  private void lockoutsBegun(
      Attempt a, List<LogonThrottle.Lockout> begun, String account, PluginView plugin) {
    for (LogonThrottle.Lockout lockout : begun) {
      audit.lockedOut(a.request(), lockout, shown(account), plugin.protocol(), plugin.id());
    }
  }

  private void logonFailed(
      Attempt a, String account, PluginView plugin, HResult why, String reason) {
    a.connection().logonFailed();
    if (a.onBehalf() != null) {
      a.onBehalf().successes().failed(a.client().address(), a.onBehalf().stream());
    }
    audit.logonFailed(a.request(), shown(account), plugin.id(), plugin.protocol(), why, reason);
  }

  /**
   * The account of a failure as the audit shows it: an existing local account qualified as its
   * successes are ({@code AUTHHOST\\alice}), so that one account's records read alike; a name that
   * is no account as the client tried it.
   */
  private String shown(String account) {
    if (account == null || account.isBlank()) {
      return account;
    }
    return accounts.find(account.strip()).map(Account::qualifiedName).orElse(account);
  }

  private void end(Attempt a, PluginView plugin, Leg leg) {
    if (leg.bound()) {
      a.connection().forget(plugin.id());
    } else if (leg.kept() != null) {
      leg.kept().drop();
    } else {
      leg.session().release();
    }
  }

  /**
   * A kept context's SUCCESS with the token it held, refused where it cannot stand, else null. The
   * request's proof is spent either way, so no new context is asked: the plug-in named another
   * account ({@link #namesAnother}: fails closed), or the account changed while the context
   * answered (a shared store's round trip after the check of {@link KeptContext#take}: the client
   * logs on again, as after {@link #reauthorize}'s refusal).
   */
  private CompletableFuture<Verdict> heldTokenRefused(
      Attempt a,
      PluginView plugin,
      Leg leg,
      AuthenticationOutcome outcome,
      List<PluginView> offered) {
    AccessToken held = outcome.accessToken();
    boolean another = namesAnother(a, held);
    if (!another && stillStands(held)) {
      return null;
    }
    end(a, plugin, leg);
    if (another) {
      metrics.logon(plugin.id(), LogonResult.ERROR);
      return done(anotherAccountsToken(a, plugin, outcome));
    }
    metrics.logon(plugin.id(), LogonResult.REFUSED);
    return challengeAudited(
        a,
        offered,
        "log on again",
        HResult.SEC_E_LOGON_DENIED,
        "the account "
            + outcome.accountName()
            + " changed (disabled, deleted or regrouped) while the kept context of plug-in '"
            + plugin.id()
            + "' answered with its token; the client must log on again");
  }

  /**
   * Whether the plug-in named, for this request, an existing account other than the one {@code
   * held} is: its kept context answered another account's credentials with the token it held, which
   * {@link AuthenticationFlags#REVERIFYING_CONTEXT} forbids. A name that is no local account (a
   * principal's) proves nothing either way.
   */
  private boolean namesAnother(Attempt a, AccessToken held) {
    Optional<String> named = a.user().userName();
    if (named.isEmpty() || isNameOf(named.get(), held.accountName())) {
      return false;
    }
    return accounts
        .find(named.get().strip())
        .filter(found -> !found.sid().equals(held.user()))
        .isPresent();
  }

  /**
   * Whether {@code name} is the bare name of the account {@code qualified} ({@code alice} of {@code
   * TESTHOST\alice}), as account names compare: the common case, told without a look-up.
   */
  private static boolean isNameOf(String name, String qualified) {
    int from = qualified.lastIndexOf('\\') + 1;
    return qualified.length() - from == name.length()
        && qualified.regionMatches(true, from, name, 0, name.length());
  }

  /**
   * A kept context broke its contract (see {@link #namesAnother}): nothing is served with the
   * token, the context is gone, and the operator reads which plug-in did it. Fails closed (503), as
   * any plug-in failure does; the request cannot be asked again of a new context, which would see
   * its proof already spent.
   */
  private static Refusal anotherAccountsToken(
      Attempt a, PluginView plugin, AuthenticationOutcome outcome) {
    return Refusal.unavailable(
            "authentication is unavailable: the " + plugin.protocol() + " plug-in failed")
        .audited(
            HResult.E_UNEXPECTED,
            "the "
                + plugin.id()
                + " plug-in's kept context answered credentials of "
                + Audit.quoted(a.user().userName().orElse(""))
                + " with the token of "
                + outcome.accountName()
                + " it held (REVERIFYING_CONTEXT: a context logs on the account the"
                + " credentials prove, never hands another's token); refused, failing closed");
  }

  /**
   * The anonymous plug-in's answer; its context kept for the connection's later requests where it
   * declares {@link AuthenticationFlags#REUSABLE_CONTEXT} ({@link KeptContext}): asked on every
   * request either way.
   */
  private CompletableFuture<Verdict> anonymous(
      Attempt a, PluginView anonymous, List<PluginView> offered) {
    String id = anonymous.id();
    KeptContext kept = kept(a, anonymous);
    AuthenticationSession session = kept != null ? kept.session() : plugins.session(id);
    Runnable end = kept != null ? kept::drop : session::release;
    metrics.handshakeBegun();
    return session
        .authenticate(new byte[0], a.user(), a.presentation(), a.command())
        .thenCompose(
            outcome -> {
              metrics.handshakeEnded();
              metrics.logon(id, anonymousResult(outcome));
              if (outcome.result() != AuthenticationResult.SUCCESS) {
                List<PluginView> others = notAnonymous(offered);
                end.run();
                if (outcome.hresult().equals(HResult.NS_E_NO_NEW_CONNECTIONS)) {
                  return done(busy(anonymous, outcome));
                }
                if (others.isEmpty()) {
                  logonFailed(
                      a,
                      null,
                      anonymous,
                      outcome.hresult(),
                      "anonymous logon failed and no other plug-in is offered");
                  return done(Refusal.unavailable("anonymous access is unavailable"));
                }
                return challenge(a, others, "authentication required");
              }
              Verdict v = null;
              try {
                logonSucceeded(a, outcome, anonymous);
                v = authorizeQuietly(a, outcome, anonymous);
              } finally {
                // Also when the audit or the principal's token expired throws: a session never
                // released (or a kept one left marked as in use) would keep its version draining
                // until plugins.drainSeconds. A kept one stays only with a connection it served.
                if (kept != null && v instanceof Verdict.Serve) {
                  kept.legEnded();
                } else {
                  end.run();
                }
              }
              if (v instanceof Verdict.Serve) {
                return done(v);
              }
              // WMS: when authorization refuses the anonymous user and another plug-in is enabled,
              // authentication is tried again with it, so the client is asked to log on.
              List<PluginView> others = notAnonymous(offered);
              if (!others.isEmpty()) {
                return challenge(a, others, "this content needs a logon");
              }
              return done(
                  v instanceof Refusal r && r.kind() == Refusal.Kind.FORBIDDEN
                      ? r.audited(
                          HResult.E_ACCESSDENIED,
                          "access denied to the anonymous account " + outcome.accountName())
                      : v);
            });
  }

  /**
   * Whether {@code token} (a kept context's, logged on perhaps many requests ago) is still what a
   * logon of its account gives now: the account neither disabled nor deleted, nor in other groups,
   * and the proof behind it (a principal's) not ended.
   */
  private boolean stillStands(AccessToken token) {
    // Only a principal's proof ends (expiresAt); a local account's never does, and this runs for
    // every request of a kept connection: no clock read for it.
    return tokens.asNow(token).filter(now -> now == token).isPresent()
        && (token.expiresAt().equals(Instant.MAX) || !token.hasExpired(clock.instant()));
  }

  /** The plug-in of {@code offered} with that id, or null. A loop: this runs on every request. */
  private static PluginView named(List<PluginView> offered, String id) {
    for (PluginView p : offered) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    return null;
  }

  /** {@code offered} without its anonymous plug-in: whom to ask when anonymous access fails. */
  private static List<PluginView> notAnonymous(List<PluginView> offered) {
    return offered.stream()
        .filter(p -> !AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS))
        .toList();
  }

  /** What an anonymous plug-in's answer counts as. */
  private static LogonResult anonymousResult(AuthenticationOutcome outcome) {
    return switch (outcome.result()) {
      case SUCCESS -> LogonResult.SUCCESS;
      case DENIED -> LogonResult.DENIED;
      case CONTINUE -> LogonResult.CONTINUE;
      default ->
          outcome.hresult().equals(HResult.NS_E_NO_NEW_CONNECTIONS)
              ? LogonResult.BUSY
              : LogonResult.ERROR;
    };
  }

  /**
   * Authorizes and audits a refusal; {@code checked} runs once the token is no longer needed (a
   * request's own context is released there).
   */
  private CompletableFuture<Verdict> authorize(
      Attempt a,
      AuthenticationOutcome outcome,
      PluginView plugin,
      List<PluginView> offered,
      Runnable checked) {
    String pluginId = plugin.id();
    Verdict v;
    try {
      v = authorizeQuietly(a, outcome, plugin);
    } catch (ExpiredTokenException e) {
      checked.run();
      return expired(a, outcome, plugin, offered, e);
    }
    checked.run();
    if (v instanceof Refusal r && r.kind() == Refusal.Kind.FORBIDDEN) {
      return done(
          r.audited(
              HResult.E_ACCESSDENIED,
              "access denied to "
                  + outcome.accountName()
                  + " by the ACL of publishing point "
                  + a.point().name()
                  + " (plug-in "
                  + pluginId
                  + ")"));
    }
    return done(v);
  }

  /**
   * The proof behind the token has ended (API 1.3, logonPrincipal's expiresAt): the client's to
   * renew, so the challenges of a first request, and the logon is over on this connection (a bound
   * one's context is dropped; on any connection the next success is a new logon to audit).
   */
  private CompletableFuture<Verdict> expired(
      Attempt a,
      AuthenticationOutcome outcome,
      PluginView plugin,
      List<PluginView> offered,
      ExpiredTokenException e) {
    String pluginId = plugin.id();
    if (pluginId.equals(a.connection().authenticatedPlugin())) {
      a.connection().forget(pluginId);
    }
    a.connection().logonEnded();
    String why =
        "the token of "
            + outcome.accountName()
            + " from plug-in '"
            + pluginId
            + "' expired at "
            + outcome.accessToken().expiresAt()
            + "; nothing is authorized with it, the client must log on again";
    return challenge(a, offered, "the logon has expired")
        .thenApply(
            v ->
                v instanceof Refusal r
                        && (r.kind() == Refusal.Kind.LOG_ON || r.kind() == Refusal.Kind.FORBIDDEN)
                    ? r.audited(e.hresult(), why)
                    : v);
  }

  /**
   * Checks the publishing point's ACL while impersonating the token: the thread's security context
   * is the client's for the check and is reverted afterwards, also when the check fails.
   *
   * @throws ExpiredTokenException when the token's proof has ended
   */
  private Verdict authorizeQuietly(Attempt a, AuthenticationOutcome outcome, PluginView plugin) {
    String pluginId = plugin.id();
    Right right = a.right();
    try (Impersonation ignored = tokens.impersonate(outcome.token())) {
      AccessToken current = Impersonation.current().orElseThrow();
      if (a.point().acl().permits(current, right)) {
        return new Verdict.Serve(
            a.point(),
            outcome.accountName(),
            finalWords(a, plugin, outcome),
            new Logon(pluginId, outcome.accountName(), current),
            !AuthenticationFlags.has(plugin.flags(), AuthenticationFlags.ANONYMOUS));
      }
      return Refusal.forbidden();
    } catch (InvalidHandleException e) {
      // The plug-in's mistake, not the client's: the record names it, and what it must do.
      return Refusal.unavailable("authentication is unavailable")
          .audited(
              e.hresult(),
              "the token plug-in '"
                  + pluginId
                  + "' gave for "
                  + outcome.accountName()
                  + " was closed before the host was done with it; the plug-in closes it too"
                  + " early (a context must keep its token open until the host releases it,"
                  + " for a connection-bound protocol until the connection ends)");
    }
  }

  /** 401 with a fresh challenge from every offered, non-anonymous plug-in. */
  private CompletableFuture<Verdict> challenge(Attempt a, List<PluginView> offered, String text) {
    return challenge(a, offered, text, null, null);
  }

  /** {@link #challenge}, its 401 audited as {@code hr} with {@code why}. */
  private CompletableFuture<Verdict> challengeAudited(
      Attempt a, List<PluginView> offered, String text, HResult hr, String why) {
    return challenge(a, offered, text)
        .thenApply(
            v ->
                v instanceof Refusal r && r.kind() == Refusal.Kind.LOG_ON ? r.audited(hr, why) : v);
  }

  /**
   * 401 with a fresh challenge from every offered, non-anonymous plug-in, except that the plug-in
   * {@code ownId} (which has just refused the client) is represented by the challenges it gave with
   * its refusal (e.g. Digest's {@code stale=true}).
   */
  private CompletableFuture<Verdict> challenge(
      Attempt a, List<PluginView> offered, String text, String ownId, byte[] own) {
    List<CompletableFuture<List<String>>> challenges = new ArrayList<>();
    // The busy refusal of a plug-in that could not serve now (its bulkhead full, or a service it
    // needs down), if any: no challenge at all then means "busy".
    AtomicReference<Refusal> busy = new AtomicReference<>();
    // A plug-in that refuses without a challenge (API 1.4), if any: with no challenge, a 403.
    AtomicReference<Refusal> forbidden = new AtomicReference<>();
    for (PluginView p : offered) {
      if (AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS)) {
        continue;
      }
      if (p.id().equals(ownId)) {
        challenges.add(CompletableFuture.completedFuture(challengeHeaders(p, own)));
        continue;
      }
      AuthenticationSession session = plugins.session(p.id());
      challenges.add(
          session
              .authenticate(new byte[0], a.user(), a.presentation(), a.command())
              .thenApply(
                  outcome -> {
                    session.release();
                    if (outcome.hresult().equals(HResult.NS_E_NO_NEW_CONNECTIONS)) {
                      busy.compareAndSet(null, busy(p, outcome));
                    }
                    if (outcome.isForbidden()) {
                      forbidden.compareAndSet(null, forbiddenByPlugin(p, outcome.forbidden()));
                    }
                    return outcome.result() == AuthenticationResult.CONTINUE
                        ? challengeHeaders(p, outcome.challenge())
                        : List.<String>of();
                  }));
    }
    return CompletableFuture.allOf(challenges.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              List<String> headers = challenges.stream().flatMap(c -> c.join().stream()).toList();
              if (headers.isEmpty() && busy.get() != null) {
                return busy.get();
              }
              if (headers.isEmpty() && forbidden.get() != null) {
                // Only plug-ins whose proof travels in the URL (a signed URL): nothing to log on
                // with, so no challenge; the request lacks the proof they need.
                return forbidden.get();
              }
              if (headers.isEmpty()) {
                return Refusal.unavailable("authentication is unavailable")
                    .audited(HResult.NS_E_CRITICAL_ERROR, "no plug-in could issue a challenge");
              }
              return Refusal.logOn(headers, text);
            });
  }

  /**
   * The {@code WWW-Authenticate} values of one plug-in's challenge blob: one per line, so that a
   * plug-in can offer several (Digest: one per algorithm), each prefixed with its scheme.
   */
  private static List<String> challengeHeaders(PluginView plugin, byte[] challenge) {
    if (challenge == null || challenge.length == 0) {
      return List.of(plugin.protocol());
    }
    List<String> headers = new ArrayList<>();
    for (String line : new String(challenge, StandardCharsets.ISO_8859_1).split("\n")) {
      String value = line.strip();
      if (!value.isEmpty() && !hasControl(value)) {
        headers.add(plugin.protocol() + " " + value);
      }
    }
    return headers.isEmpty() ? List.of(plugin.protocol()) : headers;
  }

  /**
   * What a plug-in's SUCCESS blob adds to the response: an {@code Authentication-Info} field for a
   * plug-in that declares {@link AuthenticationFlags#AUTHENTICATION_INFO} (Digest's {@code
   * rspauth}, RFC 7616 §3.5), otherwise a final token under the scheme (Negotiate's mutual
   * authentication, RFC 4559 §5).
   */
  private static List<Map.Entry<String, String>> finalWords(
      Attempt a, PluginView plugin, AuthenticationOutcome outcome) {
    byte[] blob = outcome.challenge();
    if (blob == null || blob.length == 0 || a.authorization() == null) {
      return List.of();
    }
    String value = new String(blob, StandardCharsets.ISO_8859_1).strip();
    if (value.isEmpty() || hasControl(value)) {
      return List.of();
    }
    if (AuthenticationFlags.has(plugin.flags(), AuthenticationFlags.AUTHENTICATION_INFO)) {
      return List.of(Map.entry("Authentication-Info", value));
    }
    String header = a.authorization().strip();
    int space = indexOfWhitespace(header);
    String scheme = space < 0 ? header : header.substring(0, space);
    return List.of(Map.entry("WWW-Authenticate", scheme + " " + value));
  }

  /**
   * The offer for a publishing point: its own list replaces the server's (WMS rule), in its own
   * order; protocols that send the password in clear only over TLS or on loopback. One anonymous
   * plug-in at most: the first the point lists, or, where it lists none, the first in the server's
   * order (the host warns at start about a point that lists more).
   */
  private List<PluginView> offeredFor(PublishingPoint point, ClientAddress client) {
    List<PluginView> offered = plugins.offeredAuthenticationPlugins();
    // The client's own leg: a trusted proxy's TLS or loopback connection lends it nothing.
    if (!client.mayReceivePasswords()) {
      offered =
          offered.stream()
              .filter(p -> !AuthenticationFlags.has(p.flags(), AuthenticationFlags.SENDS_PASSWORD))
              .toList();
    }
    return ownList(point, offered);
  }

  /** {@link #offeredFor}'s choice and order from {@code offered}, with no filter of its own. */
  private static List<PluginView> ownList(PublishingPoint point, List<PluginView> offered) {
    List<PluginView> own = new ArrayList<>();
    boolean anonymous = false;
    if (point.plugins().isEmpty()) {
      for (PluginView p : offered) {
        boolean isAnonymous = AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS);
        if (!isAnonymous || !anonymous) {
          own.add(p);
          anonymous |= isAnonymous;
        }
      }
      return own;
    }
    for (String id : point.plugins()) {
      for (PluginView p : offered) {
        if (!p.id().equals(id)) {
          continue;
        }
        boolean isAnonymous = AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS);
        if (isAnonymous && !anonymous) {
          // Anonymous first, as WMS tries it before asking the client to log on.
          own.add(0, p);
          anonymous = true;
        } else if (!isAnonymous) {
          own.add(p);
        }
      }
    }
    return own;
  }

  /**
   * The answer of {@code lockout}, which the audit names: the account as every record shows it
   * ({@code account} is the name the lock was checked under, as the client or the token wrote it),
   * or the address.
   */
  private Refusal lockedOut(LogonThrottle.Lockout lockout, String account) {
    return lockedOut(
        lockout.until(),
        lockout.ofAccount() ? new Refusal.Lock(shown(account)) : Refusal.Lock.ofAddress());
  }

  private Refusal lockedOut(Instant until, Refusal.Lock lock) {
    long seconds = Math.max(1, Duration.between(clock.instant(), until).toSeconds());
    return Refusal.tooMany(
        "too many failed logons; try again later",
        seconds,
        "locked out after repeated logon failures",
        lock);
  }

  /**
   * Busy ({@code NS_E_NO_NEW_CONNECTIONS}): the client did nothing wrong and the plug-in did not
   * fail, so this is neither a logon failure nor a lockout count, and the client may try again at
   * once. The audit names the cause the operator must look at: the plug-in's own bulkhead full, or
   * (the plug-in answering it, as Digest does in a Redis outage) a service it needs could not
   * serve.
   */
  private Refusal busy(PluginView plugin, AuthenticationOutcome outcome) {
    return Refusal.busy(
        "authentication is busy; try again shortly",
        1,
        outcome.bulkheadFull()
            ? "the " + plugin.id() + " plug-in is busy (its bulkhead is full)"
            : "the "
                + plugin.id()
                + " plug-in could not reach the shared state ("
                + stateTrouble
                + ") or another host service it needs");
  }

  /** The answer for a connection that is closing: written to nobody, audited as nothing. */
  private static Refusal connectionClosing() {
    return new Refusal(
        Refusal.Kind.BAD_REQUEST, "connection closing", List.of(), 0, true, null, null);
  }

  private static CompletableFuture<Verdict> done(Verdict verdict) {
    return CompletableFuture.completedFuture(verdict);
  }

  /**
   * {@code s} from {@code from} on as ISO-8859-1 octets, as {@code substring} then {@code getBytes}
   * would give them, in one copy. The decoder made the header one char per octet; a char above 0xFF
   * (a header set some other way) becomes {@code ?}, as {@code getBytes} makes it.
   */
  private static byte[] latin1(String s, int from) {
    byte[] octets = new byte[s.length() - from];
    for (int i = 0; i < octets.length; i++) {
      char c = s.charAt(from + i);
      octets[i] = c <= 0xFF ? (byte) c : (byte) '?';
    }
    return octets;
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t';
  }

  /** Whether a header value carries a control character other than tab. */
  private static boolean hasControl(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t') {
        return true;
      }
    }
    return false;
  }

  /** RFC 9110 token characters, which a scheme name is made of. */
  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static String cut(String s) {
    return s.length() > 32 ? s.substring(0, 32) + "..." : s;
  }
}
