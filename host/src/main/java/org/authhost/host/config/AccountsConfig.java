package org.authhost.host.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The local account store.
 *
 * @param file the store's file (default {@code <dataDirectory>/accounts.json})
 * @param digestRealms the realms for which Digest secrets (HA1) are kept when a password is set;
 *     the first is the default realm (WMS limit: 251 characters each)
 * @param guestAccount the account the Anonymous plug-in maps clients to (default {@code Guest})
 */
public record AccountsConfig(Path file, List<String> digestRealms, String guestAccount) {
  public AccountsConfig {
    digestRealms = List.copyOf(digestRealms);
  }
}
