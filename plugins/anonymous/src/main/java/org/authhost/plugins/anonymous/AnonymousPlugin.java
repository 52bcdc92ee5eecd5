package org.authhost.plugins.anonymous;

import java.time.Duration;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;

/**
 * WMS Anonymous User Authentication: every client gets the permissions of one configured local
 * account, the guest account, without being asked for anything.
 *
 * <p>Named values: {@code account} — the account to map clients to (default: the host's guest
 * account, {@link ServerContext#guestAccount()}, which the operator sets as {@code
 * accounts.guestAccount}; at most 63 characters as in WMS). Enabling fails with {@code
 * NS_E_PLUGIN_ERROR_REPORTED} and an ERROR event saying why and what to do when that account cannot
 * log on (it does not exist or is disabled: WMS answered {@code
 * HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE)} alone, still the answer should the event not be written)
 * or is a member of Administrators, which would make every anonymous client one. An account that
 * stops logging on while the plug-in serves is reported once per episode ({@link GuestLogon}).
 */
public final class AnonymousPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "Anonymous";
  static final String PACKAGE = "AuthHost Anonymous";

  /** The WMS limit on the anonymous account's name ({@code IWMSAdminAnonUser}). */
  static final int MAX_ACCOUNT_LENGTH = 63;

  private volatile ServerContext server;
  private volatile NamedValues values;
  private volatile String account;
  private volatile GuestLogon guest;

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    String configured = namedValues.get("account").orElseGet(server::guestAccount).strip();
    if (configured.isEmpty() || configured.length() > MAX_ACCOUNT_LENGTH) {
      return HResult.E_INVALIDARG;
    }
    this.server = server;
    this.values = namedValues;
    this.account = configured;
    this.guest = new GuestLogon(configured, namedValues);
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    // Prove the account can log on now, rather than refusing every client later.
    TokenService tokens = server.tokenService();
    Out<TokenHandle> probe = new Out<>();
    HResult hr = tokens.logonUser(account, PACKAGE, probe);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      // WMS's code alone named neither the account nor the setting: the event says both, and how.
      return guest.enableRefused(server.eventLog());
    }
    if (hr.failed()) {
      return hr;
    }
    Out<AccessToken> token = new Out<>();
    HResult read = tokens.queryToken(probe.get(), token);
    tokens.closeHandle(probe.get());
    if (read.failed()) {
      return read; // the groups cannot be checked: fail closed
    }
    if (token.get().groups().contains(Sid.ADMINISTRATORS)) {
      // Every client that sends nothing would be an administrator: fail closed, and say why.
      HResult logged =
          server
              .eventLog()
              .logEvent(
                  values,
                  EventLevel.ERROR,
                  HResult.E_ACCESSDENIED,
                  "the guest account '"
                      + account
                      + "' is a member of Administrators: every anonymous client would be an"
                      + " administrator. Fix: name an account that is not (accounts.guestAccount,"
                      + " or this plug-in's account property), or remove it from Administrators");
      return logged.succeeded() ? HResult.NS_E_PLUGIN_ERROR_REPORTED : HResult.E_ACCESSDENIED;
    }
    return HResult.S_OK;
  }

  @Override
  public HResult disable() {
    return HResult.S_OK;
  }

  @Override
  public HResult shutdown() {
    server = null;
    return HResult.S_OK;
  }

  @Override
  public HResult getPackageName(Out<String> packageName) {
    packageName.set(PACKAGE);
    return HResult.S_OK;
  }

  @Override
  public HResult getProtocolName(Out<String> protocolName) {
    protocolName.set(PROTOCOL);
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    // Its context answers SUCCESS again from the token it holds (the WMS sample's rule), so one
    // context may serve every request of a connection.
    flags.set(AuthenticationFlags.ANONYMOUS | AuthenticationFlags.REUSABLE_CONTEXT);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    ServerContext current = server;
    if (current == null) {
      return HResult.E_UNEXPECTED;
    }
    context.set(
        new AnonymousContext(this, current.tokenService(), account, guest, current.eventLog()));
    return HResult.S_OK;
  }
}
