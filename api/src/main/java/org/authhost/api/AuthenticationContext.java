package org.authhost.api;

/**
 * One client's authentication: the exchange of response and challenge blobs, and, after success,
 * who the client is and the token to impersonate.
 *
 * <p>WMS counterpart: {@code IWMSAuthenticationContext}. There is no {@code Initialize} method: a
 * plug-in wires its context to itself when it creates it. {@link #release()} is the final {@code
 * IUnknown::Release}: the context frees what it owns, its token handle included.
 *
 * <p>Token ownership follows {@code SpGetContextTokenFn}: the handle returned by {@link
 * #getImpersonationToken} belongs to the context. It is not duplicated, the host never closes it,
 * and once the context is released the handle is invalid (every use answers {@link
 * HResult#SEC_E_INVALID_HANDLE}).
 */
public interface AuthenticationContext {

  /** {@code GetAuthenticationPlugin}: the plug-in that created this context. */
  HResult getAuthenticationPlugin(Out<AuthenticationPlugin> plugin);

  /**
   * {@code Authenticate}: checks the client's response and reports the outcome through {@code
   * callback}, exactly once, possibly after this method has returned. The return value only says
   * whether the call itself worked; a wrong password is a {@code DENIED} callback and {@link
   * HResult#S_OK}, not a failure code.
   *
   * <p>The host passes no {@code null}: a blob with nothing in it is empty, and the user,
   * presentation and command contexts are always there.
   *
   * <p>A refusal counted as a failed logon ({@code DENIED} with {@link HResult#S_OK}) that the
   * client sends again unchanged on the same connection (the same blob, method and request target,
   * and the same headers this plug-in read through {@code command}) counts as one failed logon: the
   * host answers the repeat as the first (the plug-in is still asked) and audits a refusal, for up
   * to 8 repeats per refused proof and connection, after which each counts again. A verdict that
   * depends on anything else of the request must read it through {@code command} ({@link
   * CommandContext#header}, {@link CommandContext#headers}); otherwise two guesses that differ only
   * there are counted once.
   *
   * @param responseBlob the client's data for this leg; empty on the first leg of a challenge-first
   *     exchange (answer {@code CONTINUE} with a challenge)
   * @param user who is connecting ({@code pUserCtx}); the plug-in may set the user name
   * @param presentation what is being requested ({@code pPresentationCtx})
   * @param command the request itself ({@code pCommandContext})
   * @param callback where to report the outcome
   * @param context opaque value identifying this call, to pass back unchanged
   */
  HResult authenticate(
      byte[] responseBlob,
      UserContext user,
      PresentationContext presentation,
      CommandContext command,
      AuthenticationCallback callback,
      Object context);

  /**
   * {@code GetLogicalUserID}: the user's name in the plug-in's own terms after success; may differ
   * from the impersonation account (e.g. a database user mapped onto one local account). By default
   * {@link HResult#E_NOTIMPL}: the host then uses the account name.
   */
  default HResult getLogicalUserId(Out<String> userId) {
    return HResult.E_NOTIMPL;
  }

  /**
   * {@code GetImpersonationAccountName}: the local account this context impersonates. By default
   * {@link HResult#E_NOTIMPL}: the host then takes the account's qualified name from the token.
   */
  default HResult getImpersonationAccountName(Out<String> accountName) {
    return HResult.E_NOTIMPL;
  }

  /**
   * {@code GetImpersonationToken}: the handle of the access token to impersonate, owned by this
   * context (see the class comment). Returns {@link HResult#SEC_E_INVALID_HANDLE} once released.
   */
  HResult getImpersonationToken(Out<TokenHandle> token);

  /**
   * The final {@code IUnknown::Release}: frees the context and closes the token handle it owns. The
   * host calls it once, when the exchange ends or the connection it is bound to closes.
   */
  void release();
}
