package org.authhost.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a plug-in may ask of the host's {@link TokenService} and {@link CredentialService} beyond
 * its own handles: each method that issues a token or reads a secret needs exactly one capability.
 * A plug-in built for API 1.3 declares the ones it needs in its descriptor ({@code
 * capabilities=digest-ha1,token-without-credential}); the operator grants them in {@code host.json}
 * ({@code plugins.settings.<id>.capabilities}). A call that needs a capability the plug-in does not
 * hold answers {@link HResult#E_ACCESSDENIED}. Closing and querying its own handles and logging
 * events need none.
 *
 * <p>Windows counterpart: the privileges and LSA access rights an SSP/AP holds because it runs
 * inside LSASS ({@code SeTcbPrivilege} for an S4U logon without a credential, the SAM's secret
 * attributes for the NT one-way function and the Digest SSP's stored hashes), which Windows grants
 * per process and AuthHost grants per plug-in.
 *
 * @since API 1.3
 */
public enum Capability {
  /**
   * {@link TokenService#logonUser(String, String, String, Out)}: the host checks a password the
   * plug-in received (Basic) and issues a token if it is right. {@code LogonUser} with a password.
   */
  PASSWORD_CHECK("password-check"),

  /**
   * {@link CredentialService#getDigestHa1} and {@link CredentialService#findUserByHash}: Digest's
   * {@code H(A1)} for the host's realms, and the account behind an RFC 7616 userhash (which tells
   * no more than probing names with {@code getDigestHa1} would). The Digest SSP reading the hashes
   * stored with the account.
   */
  DIGEST_HA1("digest-ha1"),

  /**
   * {@link CredentialService#getNtHash}: the NT one-way function of an account's password, which
   * logs on as that account anywhere NTLM is accepted. MSV1_0 reading the SAM.
   */
  NT_HASH("nt-hash"),

  /**
   * {@link TokenService#logonUser(String, String, Out)}: a token for any enabled account without
   * the host checking a credential, for a protocol the plug-in verified itself (Digest, NTLM,
   * Kerberos through Negotiate, the anonymous guest). An S4U logon, which needs {@code
   * SeTcbPrivilege} for a token that can impersonate.
   */
  TOKEN_WITHOUT_CREDENTIAL("token-without-credential"),

  /**
   * {@link TokenService#logonPrincipal}: a token for a principal with no local account, carrying
   * local groups the plug-in names, for a proof another party made (an OpenID Connect token, a
   * signed URL). {@code LsaLogonUser} for a principal of a trusted realm, whose groups come from
   * the proof.
   *
   * @since API 1.3
   */
  PRINCIPAL_TOKEN("principal-token");

  private final String descriptorName;

  Capability(String descriptorName) {
    this.descriptorName = descriptorName;
  }

  /** The name a descriptor and {@code host.json} use, e.g. {@code nt-hash}. */
  public String descriptorName() {
    return descriptorName;
  }

  /** The capability a descriptor or {@code host.json} names, if {@code name} is one. */
  public static Optional<Capability> named(String name) {
    return Arrays.stream(values()).filter(c -> c.descriptorName.equals(name)).findFirst();
  }

  /** Every name, comma-separated, in declaration order: for messages that list what is known. */
  public static String allNames() {
    return Arrays.stream(values())
        .map(Capability::descriptorName)
        .collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return descriptorName;
  }
}
