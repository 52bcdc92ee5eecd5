package org.authhost.host.tokens;

import java.util.Optional;
import org.authhost.api.Sid;

/** Where the token service looks accounts up: the {@code LookupAccountName} of the host. */
public interface AccountDirectory {

  /**
   * The account with this name; accepts {@code name}, {@code DOMAIN\name} and {@code name@domain},
   * case-insensitively, as Windows does.
   */
  Optional<Account> find(String accountName);

  /**
   * The SID of an account or group with this name, for ACLs that name principals. The default knows
   * accounts only; a directory with local groups answers for them too.
   */
  default Optional<Sid> findSid(String name) {
    return find(name).map(Account::sid);
  }

  /**
   * The SID of a local group (never of a user account) with this name, for tokens whose groups come
   * from another party's proof ({@code logonPrincipal}). The default knows none.
   */
  default Optional<Sid> findGroupSid(String name) {
    return Optional.empty();
  }
}
