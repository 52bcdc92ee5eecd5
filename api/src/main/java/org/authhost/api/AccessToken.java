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
 */
public record AccessToken(
    Sid user,
    List<Sid> groups,
    String accountName,
    String authenticationPackage,
    Instant logonTime) {

  /** Copies {@code groups}, so a token never changes after it is issued. */
  public AccessToken {
    groups = List.copyOf(groups);
  }

  /** Whether the token's user or one of its groups is {@code sid}. */
  public boolean hasSid(Sid sid) {
    return user.equals(sid) || groups.contains(sid);
  }
}
