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
  private volatile String account;

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
    if (response.length == 0) {
      return refuse(AuthenticationResult.CONTINUE, HResult.S_OK); // first leg: ask for a key
    }
    String key = new String(response, StandardCharsets.ISO_8859_1);
    if (!ApiKeys.isWellFormed(key)) {
      return refuse(AuthenticationResult.DENIED, HResult.S_FALSE); // no key at all: not a guess
    }
    Optional<String> found = plugin.keys().accountFor(key);
    if (found.isEmpty()) {
      return refuse(AuthenticationResult.DENIED, HResult.S_OK); // a wrong key: a failed logon
    }
    user.setUserName(found.get());
    HResult logon = token.logOn(found.get(), ApiKeyPlugin.PACKAGE);
    if (logon.equals(HResult.E_LOGON_FAILURE)) {
      plugin.accountMissing(found.get());
      return refuse(AuthenticationResult.DENIED, HResult.S_OK);
    }
    if (logon.failed()) {
      // Released meanwhile, or refused by the host (not granted, not enabled): this exchange only.
      return new Answer(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    account = found.get();
    return new Answer(AuthenticationResult.SUCCESS, null, HResult.S_OK);
  }

  private Answer refuse(AuthenticationResult result, HResult hr) {
    return new Answer(result, plugin.challenge(), hr);
  }

  @Override
  public HResult getLogicalUserId(Out<String> userId) {
    userId.set(account);
    return HResult.S_OK;
  }

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return token.handOut(out); // the same handle each time; SEC_E_INVALID_HANDLE after release
  }

  @Override
  public void release() {
    token.release();
  }
}
