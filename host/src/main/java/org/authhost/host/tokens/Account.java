package org.authhost.host.tokens;

import java.util.List;
import org.authhost.api.Sid;

/**
 * A local account as the token service sees it.
 *
 * @param name the account name without domain, e.g. {@code alice}
 * @param domain the domain (the machine's), e.g. {@code AUTHHOST}
 * @param sid the account's SID
 * @param groups the SIDs of its groups, not counting Everyone (the token adds it)
 * @param disabled a disabled account cannot log on
 */
public record Account(String name, String domain, Sid sid, List<Sid> groups, boolean disabled) {
  public Account {
    groups = List.copyOf(groups);
  }

  /** {@code DOMAIN\name}. */
  public String qualifiedName() {
    return domain + "\\" + name;
  }
}
