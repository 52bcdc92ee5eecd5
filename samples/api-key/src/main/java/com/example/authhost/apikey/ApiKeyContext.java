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
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;
import org.authhost.api.support.OwnedToken;

/** One client's logon: an empty response gets the challenge; a known key logs its account on. */
final class ApiKeyContext implements AuthenticationContext {
  private final AuthenticationPlugin plugin;
  private final OwnedToken token;
  private final ApiKeys keys;
  private final byte[] challenge;
  private volatile String account;

  ApiKeyContext(AuthenticationPlugin plugin, TokenService tokens, ApiKeys keys, byte[] challenge) {
    this.plugin = plugin;
    this.token = new OwnedToken(tokens);
    this.keys = keys;
    this.challenge = challenge;
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
    AuthenticationResult result = AuthenticationResult.ERROR;
    byte[] blob = null;
    HResult hr = HResult.E_UNEXPECTED;
    try {
      if (responseBlob.length == 0) {
        result = AuthenticationResult.CONTINUE;
        blob = challenge.clone();
        hr = HResult.S_OK;
        return hr;
      }
      // A key is text; anything that is not (or no key of ours) is refused, never an error.
      Optional<String> found =
          keys.accountFor(new String(responseBlob, StandardCharsets.ISO_8859_1).strip());
      if (found.isEmpty()) {
        result = AuthenticationResult.DENIED;
        blob = challenge.clone();
        hr = HResult.S_OK;
        return hr;
      }
      user.setUserName(found.get());
      HResult logon = token.logOn(found.get(), ApiKeyPlugin.PACKAGE);
      if (logon.equals(HResult.E_LOGON_FAILURE)) {
        result = AuthenticationResult.DENIED; // the account was removed or disabled
        blob = challenge.clone();
        hr = HResult.S_OK;
      } else if (logon.failed()) {
        // Released meanwhile, or the host is busy: not this client's fault, not ours either.
        result = AuthenticationResult.ERROR;
        hr = HResult.S_OK;
      } else {
        account = found.get();
        result = AuthenticationResult.SUCCESS;
        hr = HResult.S_OK;
      }
      return hr;
    } finally {
      // Exactly once on every path, also if something above threw.
      callback.onAuthenticateComplete(result, blob, context);
    }
  }

  @Override
  public HResult getLogicalUserId(Out<String> userId) {
    userId.set(account);
    return HResult.S_OK;
  }

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return token.handOut(out);
  }

  @Override
  public void release() {
    token.release();
  }
}
