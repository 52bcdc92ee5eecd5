package org.authhost.host.config;

import java.util.Set;

/**
 * One access-control entry of a publishing point.
 *
 * @param deny true for a deny entry (deny entries win)
 * @param principal a SID string ({@code S-1-1-0}), a well-known name ({@code Everyone}, {@code
 *     Administrators}, {@code Users}, {@code Guests}, {@code Authenticated Users}) or a local
 *     account or group name
 * @param rights any of {@code read}, {@code write}, {@code create}
 */
public record AceConfig(boolean deny, String principal, Set<String> rights) {
  public AceConfig {
    rights = Set.copyOf(rights);
  }
}
