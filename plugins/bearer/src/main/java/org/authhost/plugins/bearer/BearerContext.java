package org.authhost.plugins.bearer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.PrincipalLogon;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;
import org.authhost.api.support.OwnedToken;

/**
 * One request's bearer token: an empty response gets the challenge ({@code realm} only, RFC 6750
 * §3); a token, from the header or a URL query parameter ({@link PresentedToken}), is verified and
 * logs on; a refused one is answered with {@code error="invalid_token"} and why.
 */
final class BearerContext implements AuthenticationContext {
  /** What the callback is told. {@code benign}: a refusal that is no guess (§7 of the guide). */
  private record Answer(AuthenticationResult result, byte[] challenge, boolean benign, HResult hr) {
    static Answer error(HResult hr) {
      return new Answer(AuthenticationResult.ERROR, null, false, hr);
    }
  }

  private final BearerPlugin plugin;
  private final OwnedToken token;

  BearerContext(BearerPlugin plugin, OwnedToken token) {
    this.plugin = plugin;
    this.token = token;
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
    Answer answer = Answer.error(HResult.E_UNEXPECTED);
    boolean later = false;
    try {
      if (responseBlob.length == 0) { // no token: ask for one, without an error (RFC 6750 §3.1)
        answer = new Answer(AuthenticationResult.CONTINUE, challenge(null), false, HResult.S_OK);
        return answer.hr();
      }
      PresentedToken presented =
          PresentedToken.of(new String(responseBlob, StandardCharsets.ISO_8859_1).strip());
      if (presented.problem() != null) {
        answer = refused(presented.problem(), true);
        return answer.hr();
      }
      CompletableFuture<Verdict> verdict =
          plugin.verifier().check(presented.token(), plugin.fetcher());
      if (!verdict.isDone()) {
        // Waiting for the provider's keys: answered from the fetch thread, never this one.
        later = true;
        verdict.whenComplete(
            (v, failure) -> {
              Answer a = Answer.error(HResult.S_OK);
              try {
                if (v != null) {
                  a = answer(v, user);
                }
              } finally {
                callBack(callback, a, context);
              }
            });
        return HResult.S_OK;
      }
      answer = answer(verdict.join(), user);
      return answer.hr();
    } finally {
      if (!later) { // exactly once on every path, also if something above threw
        callBack(callback, answer, context);
      }
    }
  }

  private static void callBack(AuthenticationCallback callback, Answer a, Object context) {
    if (a.benign()) {
      callback.onAuthenticateRefused(a.challenge(), context);
    } else {
      callback.onAuthenticateComplete(a.result(), a.challenge(), context);
    }
  }

  private Answer answer(Verdict verdict, UserContext user) {
    if (verdict instanceof Verdict.Valid v) {
      return logOn(v.token(), user);
    }
    if (verdict instanceof Verdict.Expired e) {
      return refused(e.description(), true);
    }
    if (verdict instanceof Verdict.Invalid i) {
      return refused(i.description(), !i.guess());
    }
    return Answer.error(HResult.S_OK); // Unavailable: 503; the outage is one event, not one each
  }

  private Answer logOn(VerifiedToken verified, UserContext user) {
    BearerSettings settings = plugin.settings();
    if (settings.identity() == BearerSettings.Identity.ACCOUNT) {
      String account = verified.name();
      if (account == null) {
        return refused(
            "the token has no claim "
                + settings.accountClaim()
                + (settings.accountClaim().equals("email") ? " with email_verified" : ""),
            true);
      }
      user.setUserName(account); // so a locked account is refused
      // The logon ends with the token (as the verifier accepts it, skew included), so that a
      // connection holding it (an RTSP session's PLAY and keep-alives) is cut at the token's end.
      HResult logon =
          token.logOn(
              account, BearerPlugin.PACKAGE, verified.expiresAt().plus(settings.clockSkew()));
      if (logon.equals(HResult.SEC_E_CONTEXT_EXPIRED)) {
        return refused("the token expired", true);
      }
      if (logon.equals(HResult.E_LOGON_FAILURE)) {
        plugin.accountMissing(account);
        return refused("the token's user is not known here", false);
      }
      if (logon.succeeded() && !settings.allowAdministrators() && isAdministrator()) {
        token.release(); // never handed out
        plugin.administratorRefused(account);
        return refused("the token's account may not log on by bearer token", true);
      }
      return afterLogon(logon, "'" + account + "'");
    }
    List<String> groups = new ArrayList<>();
    for (String g : verified.groups()) {
      String local = settings.groupMap().get(g);
      if (local != null && !groups.contains(local)) {
        groups.add(local);
      }
    }
    Optional<PrincipalLogon> who =
        PrincipalLogon.of(
            verified.issuer(), verified.subject(), verified.name(), groups, verified.expiresAt());
    if (who.isEmpty()) {
      return refused("the token's issuer or subject cannot name a principal", true);
    }
    Out<TokenHandle> handle = new Out<>();
    HResult logon =
        plugin.server().tokenService().logonPrincipal(who.get(), BearerPlugin.PACKAGE, handle);
    if (logon.equals(HResult.SEC_E_CONTEXT_EXPIRED)) {
      return refused("the token expired", true);
    }
    if (logon.succeeded()) {
      logon = token.adopt(handle.get());
    }
    return afterLogon(logon, "the principal '" + verified.subject() + "'");
  }

  /** Whether the logged-on account is in Administrators; true when that cannot be told. */
  private boolean isAdministrator() {
    Out<TokenHandle> handle = new Out<>();
    Out<AccessToken> info = new Out<>();
    if (token.handOut(handle).failed()
        || plugin.server().tokenService().queryToken(handle.get(), info).failed()
        || info.get() == null) {
      return true; // fail closed
    }
    return info.get().hasSid(Sid.ADMINISTRATORS);
  }

  private Answer afterLogon(HResult logon, String who) {
    if (logon.equals(HResult.SEC_E_INVALID_HANDLE) || logon.equals(HResult.NS_E_CRITICAL_ERROR)) {
      return Answer.error(HResult.S_OK); // released meanwhile, or being disabled: this one only
    }
    if (logon.failed()) { // not granted, or the host failed: no token works until that is fixed
      return Answer.error(plugin.cannotLogOn(who, logon));
    }
    return new Answer(AuthenticationResult.SUCCESS, null, false, HResult.S_OK);
  }

  private Answer refused(String why, boolean benign) {
    return new Answer(
        AuthenticationResult.DENIED,
        challenge(why),
        benign,
        benign ? HResult.S_FALSE : HResult.S_OK);
  }

  /** {@code realm="…"}, with {@code error="invalid_token", error_description="…"} for a refusal. */
  private byte[] challenge(String why) {
    StringBuilder b = new StringBuilder("realm=\"").append(plugin.settings().realm()).append('"');
    if (why != null) {
      b.append(", error=\"invalid_token\", error_description=\"").append(quotable(why)).append('"');
    }
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The longest error_description sent: a challenge header stays small whatever the token. */
  static final int MAX_DESCRIPTION = 200;

  /** RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E; cut to MAX_DESCRIPTION. */
  private static String quotable(String whole) {
    String text =
        whole.length() > MAX_DESCRIPTION ? whole.substring(0, MAX_DESCRIPTION) + "..." : whole;
    StringBuilder b = new StringBuilder(text.length());
    text.chars()
        .forEach(c -> b.append(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\' ? (char) c : '?'));
    return b.toString();
  }

  // getLogicalUserId and getImpersonationAccountName keep their default, E_NOTIMPL: the host
  // takes the name from the token.

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return token.handOut(out);
  }

  @Override
  public void release() {
    token.release();
  }
}
