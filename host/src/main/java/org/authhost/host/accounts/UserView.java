package org.authhost.host.accounts;

import java.time.Instant;
import java.util.List;
import org.authhost.api.Sid;

/**
 * A local user as operators and the host see it; it never carries secrets.
 *
 * @param name the account name, as created
 * @param domain the machine's domain (the server name, upper-cased)
 * @param sid the user's SID, {@code <machine SID>-<rid>}
 * @param rid the relative id: 500 Administrator, 501 Guest, 1000 and up for users added later
 * @param fullName the full name, possibly empty
 * @param groups the names of the groups it belongs to
 * @param disabled a disabled account cannot log on
 * @param passwordSet whether it has a password (Guest never has one)
 * @param passwordChanged when the password was last set, or null if it never was
 * @param builtin Administrator or Guest, which cannot be deleted
 */
public record UserView(
    String name,
    String domain,
    Sid sid,
    int rid,
    String fullName,
    List<String> groups,
    boolean disabled,
    boolean passwordSet,
    Instant passwordChanged,
    boolean builtin) {
  public UserView {
    groups = List.copyOf(groups);
  }

  /** {@code DOMAIN\name}. */
  public String qualifiedName() {
    return domain + "\\" + name;
  }
}
