package org.authhost.host.accounts;

import java.util.List;
import org.authhost.api.Sid;

/**
 * A group of the account store.
 *
 * @param name the group's name
 * @param sid {@code S-1-5-32-...} for the built-in groups, {@code <machine SID>-<rid>} for local
 *     ones
 * @param members the names of its member users
 * @param builtin Administrators, Users or Guests, which always exist
 */
public record GroupView(String name, Sid sid, List<String> members, boolean builtin) {
  public GroupView {
    members = List.copyOf(members);
  }
}
