package org.authhost.plugins.signedurl;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
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

/**
 * One request's signed URL: checked in one leg; a refusal is {@code OnAuthenticateForbidden} (403
 * without a challenge) with a reason that never holds the signature; a success logs the configured
 * account on and owns that token until released.
 */
final class SignedUrlContext implements AuthenticationContext {
  private final AuthenticationPlugin plugin;
  private final OwnedToken token;
  private final String account;
  private final Map<String, byte[]> keys;
  private final Clock clock;
  private final WowzaMode wowza;
  private volatile String keyName;
  private volatile Instant heldUntil;

  /**
   * Whether and how Wowza SecureToken URLs are checked beside AuthHost's own.
   *
   * @param prefix the parameters' prefix ({@code wowzaPrefix}), null when the mode is off
   * @param clientAddress whether the client's address is hashed in ({@code wowzaClientAddress})
   * @param keyNames the keys that are Wowza shared secrets ({@code wowzaKeys}): only they verify a
   *     SecureToken hash, and never sign AuthHost's own format, so that a secret the Wowza estate
   *     shares cannot sign AuthHost links, nor an AuthHost key Wowza ones
   */
  record WowzaMode(String prefix, boolean clientAddress, java.util.Set<String> keyNames) {
    static final WowzaMode OFF = new WowzaMode(null, false, java.util.Set.of());

    WowzaMode {
      keyNames = java.util.Set.copyOf(keyNames);
    }

    Map<String, byte[]> secrets(Map<String, byte[]> keys) {
      Map<String, byte[]> only = new java.util.LinkedHashMap<>(keys);
      only.keySet().retainAll(keyNames);
      return only;
    }
  }

  SignedUrlContext(
      AuthenticationPlugin plugin,
      TokenService tokens,
      String account,
      Map<String, byte[]> keys,
      Clock clock,
      WowzaMode wowza) {
    this.plugin = plugin;
    this.token = new OwnedToken(tokens);
    this.account = account;
    this.keys = keys;
    this.clock = clock;
    this.wowza = wowza;
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
    if (token.isReleased()) {
      callback.onAuthenticateComplete(AuthenticationResult.ERROR, null, context);
      return HResult.S_OK;
    }
    String blob =
        new String(responseBlob == null ? new byte[0] : responseBlob, StandardCharsets.ISO_8859_1);
    Signed signed;
    try {
      signed = verify(blob, command.requestTarget(), user.ipAddress());
    } catch (SignedUrl.Refused e) {
      callback.onAuthenticateForbidden(e.getMessage(), context);
      return HResult.S_OK;
    }
    // The token ends with the link, so that a connection holding the logon (an RTSP session whose
    // PLAY and keep-alives carry no URL) is cut at the link's end; a later link (with another end)
    // on the same context logs on again.
    if (!token.isHeld() || !signed.expiresAt().equals(heldUntil)) {
      HResult hr = token.logOn(account, SignedUrlPlugin.PACKAGE, signed.expiresAt());
      if (hr.equals(HResult.SEC_E_CONTEXT_EXPIRED)) {
        // It ended between the check and the logon.
        callback.onAuthenticateForbidden("expired at " + signed.expiresAt(), context);
        return HResult.S_OK;
      }
      if (hr.failed()) {
        // The account went away after enable, or a host service failed (a released context's
        // handle is the one failure that is the plug-in's own state, as in the anonymous plug-in).
        callback.onAuthenticateComplete(
            hr.equals(HResult.SEC_E_INVALID_HANDLE)
                ? AuthenticationResult.ERROR
                : AuthenticationResult.DENIED,
            null,
            context);
        return HResult.S_OK;
      }
    }
    heldUntil = signed.expiresAt();
    keyName = signed.keyName();
    user.setUserName(account);
    callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
    return HResult.S_OK;
  }

  /** A verified link: the key that signed it and when it ends. */
  private record Signed(String keyName, Instant expiresAt) {}

  /** Checks the URL in the format it carries. */
  private Signed verify(String blob, String requestTarget, String clientAddress)
      throws SignedUrl.Refused {
    if (wowza.prefix() != null && WowzaToken.carries(blob, wowza.prefix())) {
      WowzaToken.Claim claim = WowzaToken.parse(blob, wowza.prefix());
      requireKeys();
      if (wowza.secrets(keys).isEmpty()) {
        throw new SignedUrl.Refused(
            "no Wowza SecureToken secret is in force (wowzaKeys names no key of the keys file)");
      }
      String by =
          WowzaToken.verify(
              claim,
              requestTarget,
              clientAddress,
              wowza.clientAddress(),
              clock.instant(),
              wowza.secrets(keys));
      return new Signed(by, Instant.ofEpochSecond(claim.end()));
    }
    SignedUrl.Claim claim = SignedUrl.parse(blob);
    requireKeys();
    if (wowza.keyNames().contains(claim.keyName())) {
      throw new SignedUrl.Refused(
          "signed with key '" + claim.keyName() + "', a Wowza SecureToken secret (wowzaKeys)");
    }
    SignedUrl.verify(claim, requestTarget, clientAddress, clock.instant(), keys);
    return new Signed(claim.keyName(), Instant.ofEpochSecond(claim.expires()));
  }

  private void requireKeys() throws SignedUrl.Refused {
    if (keys.isEmpty()) {
      throw new SignedUrl.Refused(
          "no signing key is in force (the keys file is gone, unreadable or empty)");
    }
  }

  /** Which key signed the URL: the audit's {@code user=} field, beside the account. */
  @Override
  public HResult getLogicalUserId(Out<String> userId) {
    String key = keyName;
    userId.set(token.isHeld() && key != null ? "signed-url key " + key : null);
    return HResult.S_OK;
  }

  // getImpersonationAccountName keeps its default, E_NOTIMPL: the host takes the account's
  // qualified name from the token (TESTHOST\carol), as for every other logon, not the named value
  // as the operator wrote it.

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return token.handOut(out);
  }

  @Override
  public void release() {
    token.release();
  }
}
