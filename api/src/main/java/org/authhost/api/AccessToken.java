package org.authhost.api;

import java.time.Instant;
import java.util.List;

/**
 * What a token handle stands for: who the user is and which groups they belong to.
 *
 * <p>Windows counterpart: an access token ({@code TOKEN_USER}, {@code TOKEN_GROUPS}, {@code
 * TOKEN_SOURCE}, {@code TOKEN_STATISTICS}), reduced to what authorization needs.
 *
 * @param user the user's SID
 * @param groups the SIDs of the user's groups, Everyone included
 * @param accountName the account name, e.g. {@code AUTHHOST\alice}
 * @param authenticationPackage the package that verified the user, e.g. {@code Digest}
 * @param logonTime when the token was issued
 * @param displayName what people call the user: the account name for a local account, the
 *     principal's display name for a token of {@link TokenService#logonPrincipal} (since API 1.3);
 *     shown in the audit, never used to decide anything
 * @param expiresAt after this instant on the host's clock the host authorizes nothing with the
 *     token ({@code SEC_E_CONTEXT_EXPIRED}, as a logon session whose Kerberos ticket has ended);
 *     {@link Instant#MAX} for a token that never expires, as a local account's logged on without an
 *     end (since API 1.3; an account's logon with an end since API 1.4)
 */
public record AccessToken(
    Sid user,
    List<Sid> groups,
    String accountName,
    String authenticationPackage,
    Instant logonTime,
    String displayName,
    Instant expiresAt) {

  /** Copies {@code groups}, so a token never changes after it is issued. */
  public AccessToken {
    groups = List.copyOf(groups);
    displayName = displayName == null ? accountName : displayName;
    expiresAt = expiresAt == null ? Instant.MAX : expiresAt;
  }

  /** A local account's token: shown by its account name, never expires (the API 1.2 form). */
  public AccessToken(
      Sid user,
      List<Sid> groups,
      String accountName,
      String authenticationPackage,
      Instant logonTime) {
    this(user, groups, accountName, authenticationPackage, logonTime, accountName, Instant.MAX);
  }

  /**
   * Whether the token has expired at {@code now}: at {@code expiresAt} and after.
   *
   * @since API 1.3
   */
  public boolean hasExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** Whether the token's user or one of its groups is {@code sid}. */
  public boolean hasSid(Sid sid) {
    return user.equals(sid) || groups.contains(sid);
  }
}
