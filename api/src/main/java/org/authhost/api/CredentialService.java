package org.authhost.api;

/**
 * The per-protocol secrets the host keeps for each local account, for plug-ins whose protocol
 * proves knowledge of the password without sending it (Digest, NTLM). The host never stores or
 * hands out the password itself; these values are derived from it when it is set.
 *
 * <p>Windows counterpart: what an SSP reads from the SAM through the LSA (the NT one-way function
 * for NTLM; the Digest SSP's precomputed {@code H(user:realm:password)}).
 *
 * <p>Since API 1.3 each method needs a {@link Capability} ({@link Capability#DIGEST_HA1}, {@link
 * Capability#NT_HASH}) and answers {@link HResult#E_ACCESSDENIED} without it, and {@link
 * HResult#NS_E_CRITICAL_ERROR} while the plug-in is not enabled.
 *
 * @since API 1.2
 */
public interface CredentialService {

  /**
   * Digest's {@code H(A1)} = {@code H(username ":" realm ":" password)} for an enabled account, as
   * kept for the realms in the host's {@code accounts.digestRealms}.
   *
   * @param algorithm {@code MD5}, {@code SHA-256} or {@code SHA-512-256}; a {@code -sess} variant
   *     gives its base algorithm's value
   * @return {@link HResult#S_OK}; {@link HResult#E_LOGON_FAILURE} for an unknown or disabled
   *     account or one without a password; {@link HResult#E_INVALIDARG} for a realm or algorithm
   *     the host keeps no secret for
   */
  HResult getDigestHa1(String accountName, String realm, String algorithm, Out<byte[]> ha1);

  /**
   * The account whose {@code H(username ":" realm)} is {@code userhash} (RFC 7616 §3.4.4, where the
   * client sends that hash instead of the name).
   *
   * @param userhash lower-case hex
   * @return {@link HResult#S_OK}, or {@link HResult#E_LOGON_FAILURE} when no account matches
   */
  HResult findUserByHash(String realm, String algorithm, String userhash, Out<String> accountName);

  /**
   * The NT one-way function of the password ({@code MD4(UTF-16LE(password))}, MS-NLMP NTOWFv1) and
   * the account's canonical name and domain, for NTLM.
   *
   * @return {@link HResult#S_OK}, or {@link HResult#E_LOGON_FAILURE} for an unknown or disabled
   *     account or one without a password
   */
  HResult getNtHash(String accountName, Out<byte[]> ntHash);

  /**
   * Whether the host keeps Digest secrets for {@code realm} with {@code algorithm}'s hash (the
   * realms of its {@code accounts.digestRealms}): a Digest plug-in asks it when it is enabled, so
   * that a realm the host keeps nothing for fails the enable with the fix rather than every logon.
   *
   * @param algorithm {@code MD5}, {@code SHA-256} or {@code SHA-512-256} (a {@code -sess} variant
   *     answers for its base)
   * @return {@link HResult#S_OK} when it does; {@link HResult#S_FALSE} when it does not; {@link
   *     HResult#E_NOTIMPL} from a host before API 1.3
   * @since API 1.3
   */
  default HResult keepsDigestSecrets(String realm, String algorithm) {
    return HResult.E_NOTIMPL;
  }
}
