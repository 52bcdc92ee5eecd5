package org.authhost.host.plugins;

import java.time.Instant;
import org.authhost.api.AccessToken;
import org.authhost.api.Capability;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PrincipalLogon;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;

/**
 * The host services one plug-in receives from its {@code ServerContext}: each method asks the
 * plug-in's {@link ServiceGate} first and calls the host's service only if it may. Which method is
 * new work, release work, and which capability it needs is written here once, next to the method.
 */
final class GatedServices {
  private final TokenService tokens;
  private final CredentialService credentials;
  private final EventLog events;

  /**
   * @param tokens the token service that issues and knows only this plug-in's handles
   * @param credentials the host's credential service
   * @param events the host's event log
   */
  GatedServices(
      ServiceGate gate,
      HostNamedValues identity,
      TokenService tokens,
      CredentialService credentials,
      EventLog events) {
    this.tokens = new Tokens(gate, tokens);
    this.credentials = credentials == null ? null : new Credentials(gate, credentials);
    this.events = new Events(gate, identity, events);
  }

  TokenService tokens() {
    return tokens;
  }

  /** Null when the host has no credential service. */
  CredentialService credentials() {
    return credentials;
  }

  EventLog events() {
    return events;
  }

  private record Tokens(ServiceGate gate, TokenService host) implements TokenService {
    @Override
    public HResult logonUser(
        String accountName, String authenticationPackage, Out<TokenHandle> token) {
      HResult refused = gate.newWork("TokenService.logonUser", Capability.TOKEN_WITHOUT_CREDENTIAL);
      return refused != null ? refused : host.logonUser(accountName, authenticationPackage, token);
    }

    @Override
    public HResult logonUser(
        String accountName,
        String authenticationPackage,
        Instant expiresAt,
        Out<TokenHandle> token) {
      HResult refused = gate.newWork("TokenService.logonUser", Capability.TOKEN_WITHOUT_CREDENTIAL);
      return refused != null
          ? refused
          : host.logonUser(accountName, authenticationPackage, expiresAt, token);
    }

    @Override
    public HResult logonUser(
        String accountName, String password, String authenticationPackage, Out<TokenHandle> token) {
      HResult refused =
          gate.newWork("TokenService.logonUser with a password", Capability.PASSWORD_CHECK);
      return refused != null
          ? refused
          : host.logonUser(accountName, password, authenticationPackage, token);
    }

    @Override
    public HResult logonPrincipal(
        PrincipalLogon logon, String authenticationPackage, Out<TokenHandle> token) {
      HResult refused = gate.newWork("TokenService.logonPrincipal", Capability.PRINCIPAL_TOKEN);
      return refused != null ? refused : host.logonPrincipal(logon, authenticationPackage, token);
    }

    @Override
    public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
      HResult refused = gate.release("TokenService.queryToken");
      return refused != null ? refused : host.queryToken(handle, token);
    }

    @Override
    public HResult closeHandle(TokenHandle handle) {
      HResult refused = gate.release("TokenService.closeHandle");
      return refused != null ? refused : host.closeHandle(handle);
    }
  }

  private record Credentials(ServiceGate gate, CredentialService host)
      implements CredentialService {
    @Override
    public HResult getDigestHa1(
        String accountName, String realm, String algorithm, Out<byte[]> ha1) {
      HResult refused = gate.newWork("CredentialService.getDigestHa1", Capability.DIGEST_HA1);
      return refused != null ? refused : host.getDigestHa1(accountName, realm, algorithm, ha1);
    }

    @Override
    public HResult findUserByHash(
        String realm, String algorithm, String userhash, Out<String> accountName) {
      HResult refused = gate.newWork("CredentialService.findUserByHash", Capability.DIGEST_HA1);
      return refused != null
          ? refused
          : host.findUserByHash(realm, algorithm, userhash, accountName);
    }

    @Override
    public HResult keepsDigestSecrets(String realm, String algorithm) {
      // Which realms the host keeps secrets for is configuration, not a secret: no capability.
      HResult refused = gate.newWork("CredentialService.keepsDigestSecrets", null);
      return refused != null ? refused : host.keepsDigestSecrets(realm, algorithm);
    }

    @Override
    public HResult getNtHash(String accountName, Out<byte[]> ntHash) {
      HResult refused = gate.newWork("CredentialService.getNtHash", Capability.NT_HASH);
      return refused != null ? refused : host.getNtHash(accountName, ntHash);
    }
  }

  /** Logs only as this plug-in: another plug-in's named values would log (and fail) as that one. */
  private record Events(ServiceGate gate, HostNamedValues identity, EventLog host)
      implements EventLog {
    @Override
    public HResult logEvent(
        NamedValues pluginNamedValues, EventLevel level, HResult code, String text) {
      HResult refused = gate.event("EventLog.logEvent");
      if (refused != null) {
        return refused;
      }
      if (pluginNamedValues != identity) {
        return HResult.E_INVALIDARG;
      }
      return host.logEvent(pluginNamedValues, level, code, text);
    }
  }
}
