package com.example.authhost.apikey;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
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
import org.authhost.api.support.OwnedToken;

/** One client's logon: an empty response gets the challenge; a known key logs its account on. */
final class ApiKeyContext implements AuthenticationContext {
  /** What the callback is told and what authenticate returns. */
  private record Answer(AuthenticationResult result, byte[] challenge, HResult hr) {}

  private final ApiKeyPlugin plugin;
  private final OwnedToken token;

  ApiKeyContext(ApiKeyPlugin plugin, OwnedToken token) {
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
    Answer answer = new Answer(AuthenticationResult.ERROR, null, HResult.E_UNEXPECTED);
    try {
      answer = check(responseBlob, user);
      return answer.hr();
    } finally {
      // Exactly once on every path, also if check() threw; the context goes back unchanged.
      callback.onAuthenticateComplete(answer.result(), answer.challenge(), context);
    }
  }

  private Answer check(byte[] response, UserContext user) {
    if (response.length == 0) { // the first leg: ask for a key
      return withChallenge(AuthenticationResult.CONTINUE, HResult.S_OK);
    }
    String key = new String(response, StandardCharsets.ISO_8859_1);
    if (!ApiKeys.isWellFormed(key)) { // no key at all: refused, but not a guess
      return withChallenge(AuthenticationResult.DENIED, HResult.S_FALSE);
    }
    Optional<String> account = plugin.keys().accountFor(key);
    if (account.isEmpty()) { // a wrong key: a failed logon
      return withChallenge(AuthenticationResult.DENIED, HResult.S_OK);
    }
    user.setUserName(account.get());
    HResult logon = token.logOn(account.get(), ApiKeyPlugin.PACKAGE);
    if (logon.equals(HResult.E_LOGON_FAILURE)) { // a right key, but no such enabled account
      plugin.accountMissing(account.get());
      return withChallenge(AuthenticationResult.DENIED, HResult.S_OK);
    }
    if (logon.equals(HResult.SEC_E_INVALID_HANDLE) || logon.equals(HResult.NS_E_CRITICAL_ERROR)) {
      // Released meanwhile, or the plug-in is being disabled: this exchange only.
      return new Answer(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    if (logon.failed()) { // not granted, or the host failed: no key works until that is fixed
      return new Answer(AuthenticationResult.ERROR, null, plugin.cannotLogOn(account.get(), logon));
    }
    return new Answer(AuthenticationResult.SUCCESS, null, HResult.S_OK);
  }

  private Answer withChallenge(AuthenticationResult result, HResult hr) {
    return new Answer(result, plugin.challenge(), hr);
  }

  // getLogicalUserId and getImpersonationAccountName keep their default, E_NOTIMPL: the host
  // takes the account's name from the token.

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return token.handOut(out); // the same handle each time; SEC_E_INVALID_HANDLE after release
  }

  @Override
  public void release() {
    token.release();
  }
}
