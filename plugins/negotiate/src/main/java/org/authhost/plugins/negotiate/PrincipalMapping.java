package org.authhost.plugins.negotiate;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How an authenticated Kerberos principal becomes one of the host's local accounts: the part of
 * SSPI's {@code QuerySecurityContextToken} that a Windows server gets from its domain, and that a
 * stand-alone host must be told.
 *
 * <p>An explicit {@code map.<principal>} entry wins. Otherwise {@link Rule#STRIP_REALM} takes
 * {@code alice@TEST.LOCAL} to {@code alice}, but only for the listed realms: a principal of another
 * (trusted, cross-realm) realm with the same short name is a different person. Principals with an
 * instance ({@code alice/admin@…}, {@code HTTP/host@…}) are never stripped, because their first
 * component alone is not who they are; map them explicitly.
 *
 * <p>Kerberos names are case-sensitive and the host's account names are not, so the rule never
 * reaches the built-in accounts {@link #BUILT_IN} (in any case: {@code ADMINISTRATOR@REALM} is not
 * the built-in Administrator), and an implicit mapping is only good once the host has confirmed
 * that the account's stored name is the principal's name in the same case ({@link
 * Result.Account#checkCase()}). There is deliberately no rule that passes the whole principal on:
 * the host would read {@code alice@REALM} as a qualified account name.
 *
 * @param rule the rule for principals without an explicit entry
 * @param realms the realms whose principals {@link Rule#STRIP_REALM} accepts (exact, case-sensitive
 *     as Kerberos realms are)
 * @param explicit principal to account, checked first
 */
record PrincipalMapping(Rule rule, Set<String> realms, Map<String, String> explicit) {
  /** Accounts that only an explicit {@code map.} entry reaches (compared ignoring case). */
  static final Set<String> BUILT_IN = Set.of("administrator", "guest");

  PrincipalMapping {
    realms = Set.copyOf(realms);
    explicit = Map.copyOf(explicit);
  }

  /** The {@code principalMapping} setting. */
  enum Rule {
    STRIP_REALM("strip-realm");

    final String setting;

    Rule(String setting) {
      this.setting = setting;
    }

    /** The rule named {@code text}, or {@code null}. */
    static Rule of(String text) {
      for (Rule r : values()) {
        if (r.setting.equals(text.strip().toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
      return null;
    }

    /** The values the setting accepts, for the error message. */
    static String allowed() {
      return String.join(", ", Arrays.stream(values()).map(r -> r.setting).toList());
    }
  }

  /** What a principal maps to. */
  sealed interface Result {
    /**
     * A local account name to log on.
     *
     * @param checkCase the name came from the rule, not from an explicit entry: the account the
     *     host logs on must carry exactly this name, in this case
     */
    record Account(String name, boolean checkCase) implements Result {}

    /** No account: the reason, for the audit event. */
    record Refused(String reason) implements Result {}
  }

  Result map(String principal) {
    String mapped = explicit.get(principal);
    if (mapped != null) {
      return new Result.Account(mapped, false);
    }
    int at = realmSeparator(principal);
    if (at <= 0 || at == principal.length() - 1) {
      return new Result.Refused("principal '" + principal + "' has no realm");
    }
    String realm = principal.substring(at + 1);
    String name = principal.substring(0, at);
    if (!realms.contains(realm)) {
      return new Result.Refused(
          "principal '"
              + principal
              + "' is from realm "
              + realm
              + ", not one of "
              + String.join(", ", realms.stream().sorted().toList())
              + " (setting realms)");
    }
    if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
      return new Result.Refused(
          "principal '"
              + principal
              + "' has an instance or escape; map it explicitly with "
              + "map."
              + principal);
    }
    if (BUILT_IN.contains(name.toLowerCase(Locale.ROOT))) {
      return new Result.Refused(
          "principal '"
              + principal
              + "' would be the built-in account "
              + name
              + ", which strip-realm never maps to; if that is who it is, add map."
              + principal
              + "="
              + name);
    }
    return new Result.Account(name, true);
  }

  /** The last '@' not escaped with '\' (RFC 1964 §2.1.1 names may escape one). */
  private static int realmSeparator(String principal) {
    for (int i = principal.length() - 1; i >= 0; i--) {
      if (principal.charAt(i) == '@') {
        int backslashes = 0;
        for (int j = i - 1; j >= 0 && principal.charAt(j) == '\\'; j--) {
          backslashes++;
        }
        if (backslashes % 2 == 0) {
          return i;
        }
      }
    }
    return -1;
  }
}
