package org.authhost.plugins.negotiate;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.authhost.api.NamedValueException;
import org.authhost.api.NamedValues;
import org.authhost.api.PluginException;

/**
 * The operator's named values ({@code plugins.settings.negotiate.properties} in {@code host.json}),
 * checked once in {@code InitializePlugin}. A wrong value fails it with {@code E_INVALIDARG} and a
 * message that names the value and the fix; the host turns that into its own event.
 *
 * <table>
 *   <caption>Named values</caption>
 *   <tr><th>Name</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code servicePrincipal}</td><td>(required)</td><td>The acceptor's principal with its
 *       realm, {@code HTTP/<host name clients use>@REALM}, e.g. {@code HTTP/localhost@TEST.LOCAL}
 *       (RFC 4559 §4: clients ask for a ticket to {@code HTTP/<host of the URL>}).</td></tr>
 *   <tr><td>{@code keytab}</td><td>(required)</td><td>The keytab holding that principal's keys
 *       ({@code kadmin: ktadd -k <file> HTTP/host}); read once, when the plug-in is enabled.</td></tr>
 *   <tr><td>{@code krb5Config}</td><td>(the JDK's default)</td><td>A {@code krb5.conf} for the
 *       JDK. The JDK reads {@code java.security.krb5.conf} once per JVM, so the plug-in sets it only
 *       when nothing else has; otherwise it logs a WARNING and the JVM's setting stays.</td></tr>
 *   <tr><td>{@code principalMapping}</td><td>{@code strip-realm}</td><td>{@code strip-realm}:
 *       {@code alice@TEST.LOCAL} is account {@code alice}, for the realms in {@code realms} only, and
 *       only when the account's name has the principal's case ({@code ALICE@TEST.LOCAL} is not
 *       {@code alice}); never the built-in {@code Administrator} or {@code Guest}. The only value:
 *       other principals need {@code map.} entries.</td></tr>
 *   <tr><td>{@code realms}</td><td>the service principal's realm</td><td>Comma list of the realms
 *       whose users {@code strip-realm} accepts.</td></tr>
 *   <tr><td>{@code map.<principal>}</td><td></td><td>An explicit account for one principal, e.g.
 *       {@code map.admin/ops@TEST.LOCAL = Administrator}; checked before the rule, and the only way
 *       to reach a built-in account or an account whose name differs in case.</td></tr>
 *   <tr><td>{@code allowNtlm}</td><td>{@code true}</td><td>Accept NTLM inside SPNEGO and raw
 *       NTLMSSP under Negotiate (what Windows sends without a ticket), through the bundled NTLM
 *       mechanism.</td></tr>
 *   <tr><td>{@code ntlm.*}</td><td></td><td>The NTLM mechanism's own settings, with this prefix
 *       (see the NTLM plug-in); read only when {@code allowNtlm} is true.</td></tr>
 * </table>
 *
 * @param servicePrincipal the acceptor principal, with realm
 * @param keytab the keytab file
 * @param krb5Config the krb5.conf to use, or {@code null}
 * @param mapping how principals become accounts
 * @param allowNtlm whether NTLM is accepted
 */
record NegotiateSettings(
    String servicePrincipal,
    Path keytab,
    Path krb5Config,
    PrincipalMapping mapping,
    boolean allowNtlm) {
  static final String NTLM_PREFIX = "ntlm.";
  static final String MAP_PREFIX = "map.";
  private static final List<String> NAMES =
      List.of(
          "servicePrincipal", "keytab", "krb5Config", "principalMapping", "realms", "allowNtlm");

  /** The realm of the service principal. */
  String realm() {
    return servicePrincipal.substring(servicePrincipal.lastIndexOf('@') + 1);
  }

  /**
   * Reads and checks the named values (the {@code ntlm.} ones are the NTLM mechanism's to check).
   *
   * @throws PluginException {@code E_INVALIDARG}, naming the value and the fix
   */
  static NegotiateSettings from(NamedValues values) {
    Map<String, String> explicit = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.asMap().entrySet()) {
      String name = e.getKey();
      if (name.startsWith(MAP_PREFIX)) {
        String principal = name.substring(MAP_PREFIX.length());
        String account = e.getValue() == null ? "" : e.getValue().strip();
        if (principal.isBlank() || principal.indexOf('@') < 0 || account.isEmpty()) {
          throw invalid(values, name, "must be map.<principal@REALM> = <local account>");
        }
        explicit.put(principal, account);
      } else if (!NAMES.contains(name) && !name.startsWith(NTLM_PREFIX)) {
        // Strict, like host.json: a misspelt name would otherwise silently keep its default.
        throw invalid(
            values,
            name,
            "is not a setting of this plug-in; the settings are "
                + String.join(", ", NAMES)
                + ", map.<principal> and ntlm.<NTLM setting>");
      }
    }
    String spn = values.get("servicePrincipal").map(String::strip).orElse("");
    int at = spn.lastIndexOf('@');
    if (spn.isEmpty()
        || at <= 0
        || at == spn.length() - 1
        || spn.indexOf('/') <= 0
        || spn.indexOf('/') > at
        || spn.chars().anyMatch(c -> c <= 0x20 || c == 0x7F)) {
      throw invalid(
          values,
          "servicePrincipal",
          "must be service/host@REALM, e.g. HTTP/www.example.com@EXAMPLE.COM");
    }
    Path keytab = path(values, "keytab", true);
    Path krb5Config = path(values, "krb5Config", false);
    PrincipalMapping.Rule rule =
        PrincipalMapping.Rule.of(values.get("principalMapping", "strip-realm"));
    if (rule == null) {
      throw invalid(
          values,
          "principalMapping",
          "must be one of: "
              + PrincipalMapping.Rule.allowed()
              + " (map other principals with map.<principal@REALM> = <local account>)");
    }
    Set<String> realms = new LinkedHashSet<>();
    String realmList = values.get("realms").orElse(spn.substring(at + 1));
    for (String item : realmList.split(",", -1)) {
      String realm = item.strip();
      if (realm.isEmpty() || realm.chars().anyMatch(c -> c <= 0x20 || c == '@' || c == '/')) {
        throw invalid(
            values,
            "realms",
            "must be a comma-separated list of realm names such as " + spn.substring(at + 1));
      }
      realms.add(realm);
    }
    return new NegotiateSettings(
        spn,
        keytab,
        krb5Config,
        new PrincipalMapping(rule, realms, explicit),
        bool(values, "allowNtlm", true));
  }

  private static Path path(NamedValues values, String name, boolean required) {
    String text = values.get(name).map(String::strip).orElse("");
    if (text.isEmpty()) {
      if (required) {
        throw invalid(
            values,
            name,
            "is not set; set it to the "
                + (name.equals("keytab")
                    ? "keytab file with the service principal's keys"
                    : "file"));
      }
      return null;
    }
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw invalid(values, name, "is not a valid path: " + e.getMessage());
    }
  }

  private static boolean bool(NamedValues values, String name, boolean defaultValue) {
    String v = values.get(name, Boolean.toString(defaultValue)).strip();
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw invalid(values, name, "must be \"true\" or \"false\"");
  }

  static PluginException invalid(NamedValues values, String name, String problem) {
    return new NamedValueException(
        name,
        NAMES,
        "named value '"
            + name
            + "' "
            + problem
            + "; fix plugins.settings."
            + values.pluginId()
            + ".properties."
            + name
            + " in host.json");
  }
}
