package org.authhost.api;

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
}
