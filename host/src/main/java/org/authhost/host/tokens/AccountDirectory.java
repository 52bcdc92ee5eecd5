package org.authhost.host.tokens;

import java.util.Optional;

/**
 * Where the token service looks accounts up: the {@code LookupAccountName} of the host.
 */
public interface AccountDirectory {

  /**
   * The account with this name; accepts {@code name}, {@code DOMAIN\name} and {@code name@domain},
   * case-insensitively, as Windows does.
   */
  Optional<Account> find(String accountName);
}
