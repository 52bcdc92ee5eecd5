package org.authhost.host.tokens;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /** The relative id of the built-in Administrator account, as on Windows. */
  public static final int BUILTIN_ADMINISTRATOR_RID = 500;

  /** A machine account SID: {@code S-1-5-21}, the three numbers of the machine, and a RID. */
  private static final Pattern MACHINE_ACCOUNT = Pattern.compile("S-1-5-21-\\d+-\\d+-\\d+-(\\d+)");

  /** {@code DOMAIN\name}. */
  public String qualifiedName() {
    return domain + "\\" + name;
  }

  /**
   * Whether {@code sid} is the built-in Administrator's: a machine account with RID 500. Not any
   * SID that ends in "-500": a principal's derived SID (logonPrincipal) or a group is not it.
   */
  public static boolean isBuiltinAdministrator(Sid sid) {
    // Asked on every logon that succeeds (the lockout's account key): most SIDs end otherwise, and
    // then the pattern need not run.
    if (!sid.value().endsWith("-" + BUILTIN_ADMINISTRATOR_RID)) {
      return false;
    }
    Matcher m = MACHINE_ACCOUNT.matcher(sid.value());
    return m.matches() && m.group(1).equals(Integer.toString(BUILTIN_ADMINISTRATOR_RID));
  }
}
