package org.authhost.api;

import java.util.regex.Pattern;

/**
 * A security identifier in its string form, e.g. {@code S-1-5-32-544}.
 *
 * <p>Windows counterpart: {@code SID} / {@code ConvertSidToStringSid}. Users, groups and ACL
 * entries are all named by SIDs, so renaming an account never changes what it may do.
 *
 * @param value the string form, {@code S-1-<authority>(-<subauthority>)*}
 */
public record Sid(String value) {
  private static final Pattern FORM = Pattern.compile("S-1-\\d{1,15}(-\\d{1,10}){0,15}");

  /** {@code S-1-1-0}: Everyone. */
  public static final Sid EVERYONE = new Sid("S-1-1-0");

  /** {@code S-1-5-7}: the anonymous logon. */
  public static final Sid ANONYMOUS_LOGON = new Sid("S-1-5-7");

  /** {@code S-1-5-11}: every authenticated user. */
  public static final Sid AUTHENTICATED_USERS = new Sid("S-1-5-11");

  /** {@code S-1-5-32-544}: BUILTIN\Administrators. */
  public static final Sid ADMINISTRATORS = new Sid("S-1-5-32-544");

  /** {@code S-1-5-32-545}: BUILTIN\Users. */
  public static final Sid USERS = new Sid("S-1-5-32-545");

  /** {@code S-1-5-32-546}: BUILTIN\Guests. */
  public static final Sid GUESTS = new Sid("S-1-5-32-546");

  /**
   * @throws IllegalArgumentException if {@code value} is not a SID string
   */
  public Sid {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "not a SID: '" + value + "' (expected S-1-<authority>-<sub>...)");
    }
  }

  @Override
  public String toString() {
    return value;
  }

  // Written out: a record's generated equals goes through a method handle, and the ACL check of
  // every request with credentials compares SIDs.
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof Sid other && value.equals(other.value));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
