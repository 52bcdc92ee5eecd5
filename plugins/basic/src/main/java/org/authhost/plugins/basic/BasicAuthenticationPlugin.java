package org.authhost.plugins.basic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;

/**
 * RFC 7617 Basic authentication against the host's local accounts.
 *
 * <p>Named values: {@code realm} (default {@code AuthHost}; at most 251 characters, the WMS limit).
 * The challenge is {@code realm="<realm>", charset="UTF-8"}. Passwords are checked by the host's
 * {@code LogonUser} ({@link org.authhost.api.TokenService#logonUser(String, String, String, Out)}),
 * which keeps only a slow hash and caches recent successes briefly, so keep-alive clients do not
 * pay the slow hash on every request.
 */
public final class BasicAuthenticationPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "Basic";
  static final String PACKAGE = "AuthHost Basic";

  /** {@code IWMSAdminRealm}: longer is {@code E_INVALIDARG}. */
  static final int MAX_REALM_LENGTH = 251;

  private volatile ServerContext server;
  private volatile NamedValues values;
  private volatile byte[] challenge;

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    String realm = namedValues.get("realm", "AuthHost");
    if (realm.isEmpty()
        || realm.length() > MAX_REALM_LENGTH
        || realm.indexOf('"') >= 0
        || realm.indexOf('\\') >= 0
        || realm.chars().anyMatch(Character::isISOControl)) {
      return HResult.E_INVALIDARG;
    }
    this.server = server;
    this.values = namedValues;
    this.challenge =
        ("realm=\"" + realm + "\", charset=\"UTF-8\"").getBytes(StandardCharsets.UTF_8);
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
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
    flags.set(
        AuthenticationFlags.TEXT_CHALLENGE
            | AuthenticationFlags.CLIENT_SHOWS_UI
            | AuthenticationFlags.SENDS_PASSWORD
            | AuthenticationFlags.BROWSER_ANSWERS);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    ServerContext current = server;
    if (current == null) {
      return HResult.E_UNEXPECTED;
    }
    NamedValues identity = values;
    context.set(
        new BasicContext(
            this,
            current.tokenService(),
            challenge,
            // Why a response was malformed: the host's audit only sees DENIED.
            reason ->
                current
                    .eventLog()
                    .logEvent(
                        identity, EventLevel.INFORMATION, HResult.SEC_E_INVALID_TOKEN, reason)));
    return HResult.S_OK;
  }
}
