package org.authhost.plugins.anonymous;

import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;
import org.authhost.api.support.OwnedToken;

/**
 * One anonymous client: logs the guest account on at the first {@code Authenticate}, then owns that
 * token until it is released (the {@code SpGetContextTokenFn} rule).
 */
final class AnonymousContext implements AuthenticationContext {
  private final AuthenticationPlugin plugin;
  private final OwnedToken token;
  private final String account;
  private final GuestLogon guest;
  private final EventLog events;

  AnonymousContext(
      AuthenticationPlugin plugin,
      TokenService tokens,
      String account,
      GuestLogon guest,
      EventLog events) {
    this.plugin = plugin;
    this.token = new OwnedToken(tokens);
    this.account = account;
    this.guest = guest;
    this.events = events;
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
    AuthenticationResult result;
    if (token.isReleased()) {
      result = AuthenticationResult.ERROR;
    } else if (token.isHeld()) {
      // As the SDK sample: a context that already succeeded succeeds again.
      result = AuthenticationResult.SUCCESS;
    } else {
      HResult hr = token.logOn(account, AnonymousPlugin.PACKAGE);
      if (hr.succeeded()) {
        guest.loggedOn(events);
      } else if (hr.equals(HResult.E_LOGON_FAILURE)) {
        // Disabled or deleted while the host runs: the other plug-ins challenge instead.
        guest.refused(events);
      }
      result =
          hr.succeeded()
              ? AuthenticationResult.SUCCESS
              : hr.equals(HResult.SEC_E_INVALID_HANDLE)
                  ? AuthenticationResult.ERROR
                  : AuthenticationResult.DENIED;
    }
    if (result == AuthenticationResult.SUCCESS) {
      user.setUserName(account);
    }
    callback.onAuthenticateComplete(result, null, context);
    return HResult.S_OK;
  }

  // getLogicalUserId and getImpersonationAccountName keep their default, E_NOTIMPL: the host
  // takes the account's qualified name from the token (AUTHHOST\Guest), as for every other logon;
  // the name as configured ("Guest") left the audit, the console and the nginx identity header
  // naming the anonymous account unlike every other.

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return token.handOut(out);
  }

  @Override
  public void release() {
    token.release();
  }
}
