package org.authhost.host.access;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.authhost.api.AccessToken;
import org.authhost.api.Sid;
import org.authhost.host.config.AceConfig;
import org.authhost.host.tokens.AccountDirectory;

/**
 * A publishing point's access-control list. Deny entries win whatever their order, as in a
 * canonical Windows DACL; without entries the WMS defaults apply: Everyone may read, Administrators
 * may do everything.
 */
public final class AccessControlList {
  /** One entry, with its principal resolved to a SID. */
  record Ace(boolean deny, Sid sid, Set<Right> rights) {}

  static final List<Ace> WMS_DEFAULTS =
      List.of(
          new Ace(false, Sid.EVERYONE, EnumSet.of(Right.READ)),
          new Ace(false, Sid.ADMINISTRATORS, EnumSet.allOf(Right.class)));

  private static final Map<String, Sid> WELL_KNOWN =
      Map.of(
          "everyone", Sid.EVERYONE,
          "administrators", Sid.ADMINISTRATORS,
          "users", Sid.USERS,
          "guests", Sid.GUESTS,
          "authenticated users", Sid.AUTHENTICATED_USERS,
          "anonymous logon", Sid.ANONYMOUS_LOGON);

  private final List<Ace> entries;

  AccessControlList(List<Ace> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * The list of a publishing point; principals are SID strings, well-known names, or local accounts
   * and groups looked up in {@code accounts} (an unknown name is an error: it would grant nothing
   * and deny nothing, silently).
   *
   * @throws IllegalArgumentException naming the principal that cannot be resolved
   */
  public static AccessControlList of(List<AceConfig> config, AccountDirectory accounts) {
    if (config.isEmpty()) {
      return new AccessControlList(WMS_DEFAULTS);
    }
    return new AccessControlList(
        config.stream()
            .map(
                ace -> {
                  EnumSet<Right> rights = EnumSet.noneOf(Right.class);
                  ace.rights().forEach(r -> rights.add(Right.parse(r)));
                  return new Ace(
                      ace.deny(),
                      resolve(ace.principal(), accounts)
                          .orElseThrow(
                              () ->
                                  new IllegalArgumentException(
                                      "ACL principal '"
                                          + ace.principal()
                                          + "' is neither a SID, a well-known group nor a local account or group")),
                      rights);
                })
            .toList());
  }

  static Optional<Sid> resolve(String principal, AccountDirectory accounts) {
    if (principal.startsWith("S-1-")) {
      return Optional.of(new Sid(principal));
    }
    Sid known =
        WELL_KNOWN.get(
            principal
                .toLowerCase(Locale.ROOT)
                .replace("builtin\\", "")
                .replace("nt authority\\", ""));
    if (known != null) {
      return Optional.of(known);
    }
    return accounts.findSid(principal);
  }

  /** Whether the token may exercise {@code right}: granted by an allow entry, and no deny entry. */
  public boolean permits(AccessToken token, Right right) {
    boolean allowed = false;
    for (Ace ace : entries) {
      if (ace.rights().contains(right) && token.hasSid(ace.sid())) {
        if (ace.deny()) {
          return false;
        }
        allowed = true;
      }
    }
    return allowed;
  }
}
