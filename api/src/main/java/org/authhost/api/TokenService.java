package org.authhost.api;

import java.time.Instant;

/**
 * Issues access tokens for users a plug-in has verified, as handles in the host's handle table.
 *
 * <p>Windows counterpart: {@code LogonUser} (for a plug-in that checked a password itself) and
 * {@code QuerySecurityContextToken} (for a protocol that proved the user), with {@code CloseHandle}
 * and {@code GetTokenInformation}. The caller of {@link #logonUser} owns the handle: a context
 * keeps it, returns it from {@link AuthenticationContext#getImpersonationToken} without duplicating
 * it, and closes it when it is released.
 *
 * <p>Since API 1.3 the host gates every call (see {@link Capability}): issuing a token is new work,
 * answered {@link HResult#NS_E_CRITICAL_ERROR} unless the plug-in is enabled (or being enabled) and
 * {@link HResult#E_ACCESSDENIED} without the capability it needs; {@link #queryToken} and {@link
 * #closeHandle} on the plug-in's own handles work as long as it is loaded, so a context can always
 * close its handle when it is released. After the plug-in is unloaded every call answers {@code
 * NS_E_CRITICAL_ERROR}.
 */
public interface TokenService {

  /**
   * Issues a token for a local account the plug-in has verified.
   *
   * @param accountName the account, e.g. {@code alice} or {@code AUTHHOST\alice}
   * @param authenticationPackage the package that verified it, e.g. the plug-in's package name
   * @param token receives the new handle
   *     <p>Needs {@link Capability#TOKEN_WITHOUT_CREDENTIAL}: the host checks no credential.
   * @return {@link HResult#S_OK}; {@link HResult#E_LOGON_FAILURE} for an unknown or disabled
   *     account; {@link HResult#E_ACCESSDENIED} without the capability; {@link
   *     HResult#NS_E_CRITICAL_ERROR} when the plug-in is not enabled
   */
  HResult logonUser(String accountName, String authenticationPackage, Out<TokenHandle> token);

  /**
   * Issues a token for a local account the plug-in has verified with a proof that ends (a signed
   * URL's expiry, a bearer token's {@code exp}): the token is as {@link #logonUser(String, String,
   * Out)}'s, except that once {@code expiresAt} has passed on the host's clock the host authorizes
   * nothing with it. A connection that holds the logon (an RTSP session set up with the proof,
   * whose PLAY and keep-alives carry no credential) is then refused with the fresh challenges of a
   * first request, and its client must log on again with a new proof.
   *
   * <p>SSPI counterpart: the {@code TimeStamp ptsExpiry} {@code AcceptSecurityContext} returns with
   * a context, after which the context's token authorizes nothing ({@code SEC_E_CONTEXT_EXPIRED}).
   * Use it rather than {@link #logonUser(String, String, Out)} whenever the proof has an end, so
   * that a long-lived connection does not outlive it.
   *
   * <p>Needs {@link Capability#TOKEN_WITHOUT_CREDENTIAL}, as the form without an end.
   *
   * @param accountName the account, e.g. {@code alice} or {@code AUTHHOST\alice}
   * @param authenticationPackage the package that verified it
   * @param expiresAt when the proof ends, on the host's clock ({@link ServerContext#clock()});
   *     {@link Instant#MAX} for none
   * @param token receives the new handle
   * @return {@link HResult#S_OK}; {@link HResult#SEC_E_CONTEXT_EXPIRED} when {@code expiresAt} has
   *     already passed (answer the client as for an expired proof: benign); {@link
   *     HResult#E_INVALIDARG} for a null argument; {@link HResult#E_LOGON_FAILURE} for an unknown
   *     or disabled account; {@link HResult#E_ACCESSDENIED} without the capability; {@link
   *     HResult#NS_E_CRITICAL_ERROR} when the plug-in is not enabled; {@link HResult#E_NOTIMPL}
   *     from a host before API 1.4 (never a token without the end)
   * @since API 1.4
   */
  default HResult logonUser(
      String accountName, String authenticationPackage, Instant expiresAt, Out<TokenHandle> token) {
    return HResult.E_NOTIMPL;
  }

  /**
   * {@code LogonUser} with a password: checks the password against the host's local account store
   * and, if it is right, issues a token as {@link #logonUser(String, String, Out)} does. For
   * protocols that receive the password itself (Basic). The host keeps only a slow hash of the
   * password and caches a recent successful check briefly, so a keep-alive client does not pay the
   * slow hash on every request.
   *
   * @return {@link HResult#S_OK}; {@link HResult#E_LOGON_FAILURE} for an unknown or disabled
   *     account or a wrong password (the three are not told apart, so that callers cannot probe for
   *     names); {@link HResult#NS_E_NO_NEW_CONNECTIONS} when the host is too busy to check a
   *     password now, which is not a wrong password: answer ERROR, not DENIED; {@link
   *     HResult#E_ACCESSDENIED} without {@link Capability#PASSWORD_CHECK}; {@link
   *     HResult#NS_E_CRITICAL_ERROR} when the plug-in is not enabled
   * @since API 1.1
   */
  HResult logonUser(
      String accountName, String password, String authenticationPackage, Out<TokenHandle> token);

  /**
   * What a handle stands for.
   *
   * @return {@link HResult#S_OK}, or {@link HResult#SEC_E_INVALID_HANDLE} for a closed or unknown
   *     handle
   */
  HResult queryToken(TokenHandle handle, Out<AccessToken> token);

  /**
   * {@code CloseHandle}: invalidates the handle.
   *
   * @return {@link HResult#S_OK}, or {@link HResult#SEC_E_INVALID_HANDLE} if it was already closed
   *     or never issued
   */
  HResult closeHandle(TokenHandle handle);

  /**
   * Issues a token for a principal another party proved (an OpenID Connect provider's signed token,
   * a signed URL) that has no local account. The token's user is a SID the host derives from the
   * plug-in's id, the issuer and the subject: the same principal always gets the same SID (across
   * restarts and plug-in versions), the same subject from two issuers, or from two plug-ins, are
   * two principals. Its groups are Everyone, Authenticated Users and those of {@code
   * logon.groups()} that name local groups, so that publishing points' ACLs apply to it as to any
   * account; a name that is no local group is left out (a provider's claims may name groups this
   * host does not have) and listed in the audit record of the logon ({@code unmappedGroups=}), so
   * that an operator sees a typo in the plug-in's group mapping. The caller owns the handle as with
   * {@link #logonUser(String, String, Out)}.
   *
   * <p>The token's account name is {@code <plug-in id>:<issuer>|<subject>} (unambiguous: an id
   * holds no {@code :}, an issuer no {@code |}), so that it never reads as a local account's (the
   * audit and the lockout know accounts by name); its display name is {@code logon.displayName()},
   * which the audit record of the logon shows as the logical user id ({@code user=}) unless the
   * context gives one ({@code GetLogicalUserID}); it is never used to decide anything. Once {@code
   * logon.expiresAt()} has passed on the host's clock the host authorizes nothing with the token:
   * the client gets the fresh challenges of a first request and must log on again.
   *
   * <p>Build {@code logon} with {@link PrincipalLogon#of} from values the plug-in has not checked
   * itself, and answer {@code DENIED} when it is empty: a constructor's exception inside {@code
   * Authenticate} is a plug-in failure that takes it out of service for everybody.
   *
   * <p>Windows counterpart: {@code LsaLogonUser} with {@code S4U} or a Kerberos ticket carrying a
   * PAC for a principal of a trusted realm: the token's groups come from the proof, not from a
   * local account, and it ends with the ticket.
   *
   * <p>Needs {@link Capability#PRINCIPAL_TOKEN}.
   *
   * @param logon who the proof names, checked when it was made
   * @param authenticationPackage the package that verified the proof
   * @param token receives the new handle
   * @return {@link HResult#S_OK}; {@link HResult#SEC_E_CONTEXT_EXPIRED} when {@code expiresAt} has
   *     already passed; {@link HResult#E_INVALIDARG} for a null argument; {@link
   *     HResult#E_ACCESSDENIED} when a group is Administrators (another party's proof never makes
   *     an administrator of this host) or when the operator has not granted this plug-in the {@code
   *     principal-token} capability; {@link HResult#NS_E_CRITICAL_ERROR} when the plug-in is not
   *     enabled; {@link HResult#E_NOTIMPL} from a host before API 1.3
   * @since API 1.3
   */
  default HResult logonPrincipal(
      PrincipalLogon logon, String authenticationPackage, Out<TokenHandle> token) {
    return HResult.E_NOTIMPL;
  }
}
