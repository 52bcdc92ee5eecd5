package org.authhost.plugins.ntlm;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.authhost.api.NamedValueException;
import org.authhost.api.NamedValues;
import org.authhost.api.PluginException;

/**
 * The operator's named values for NTLM ({@code plugins.settings.ntlm.properties} in {@code
 * host.json}, or the same names behind the prefix {@code ntlm.} in the Negotiate plug-in's),
 * checked once. A wrong value is a {@link PluginException} with {@code E_INVALIDARG} and a message
 * that names the value and the fix.
 *
 * <table>
 *   <caption>Named values</caption>
 *   <tr><th>Name</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code netbiosComputer}</td><td>the server name's first label, upper-cased, at most 15
 *       characters</td><td>MsvAvNbComputerName</td></tr>
 *   <tr><td>{@code netbiosDomain}</td><td>{@code netbiosComputer}</td><td>MsvAvNbDomainName and the
 *       CHALLENGE's TargetName: the local accounts' domain is the machine, as on a stand-alone
 *       Windows server</td></tr>
 *   <tr><td>{@code dnsComputer}</td><td>the server name, lower-cased</td><td>MsvAvDnsComputerName</td></tr>
 *   <tr><td>{@code dnsDomain}</td><td>the server name after its first dot, else
 *       {@code dnsComputer}</td><td>MsvAvDnsDomainName</td></tr>
 *   <tr><td>{@code acceptedDomains}</td><td>(none)</td><td>Comma list of further domain names a client
 *       may send with a local account; {@code *} accepts any. Always accepted: empty, {@code .} and
 *       the four names above.</td></tr>
 *   <tr><td>{@code timestampSkewSeconds}</td><td>300</td><td>How far the NTLMv2 blob's time may be
 *       from the server's clock (1 to 86400)</td></tr>
 *   <tr><td>{@code handshakeTimeoutSeconds}</td><td>60</td><td>How long a CHALLENGE stays good
 *       (1 to 3600)</td></tr>
 *   <tr><td>{@code allowNtlmV1}</td><td>{@code false}</td><td>Also accept NTLMv1 responses (a
 *       WARNING at enable: they give away the NT hash). LM is never accepted.</td></tr>
 *   <tr><td>{@code emptyDomainFallback}</td><td>{@code true}</td><td>Also try the NTLMv2 proof with
 *       an empty domain, for clients that hash without one (MS-NLMP §3.2.5.1.2)</td></tr>
 *   <tr><td>{@code requireMic}</td><td>{@code false}</td><td>Refuse an AUTHENTICATE without a MIC.
 *       Off by default because curl sends none; a MIC that is announced is always checked.</td></tr>
 * </table>
 */
record NtlmSettings(
    String netbiosComputer,
    String netbiosDomain,
    String dnsComputer,
    String dnsDomain,
    Set<String> acceptedDomains,
    boolean anyDomain,
    Duration timestampSkew,
    Duration handshakeTimeout,
    boolean allowNtlmV1,
    boolean emptyDomainFallback,
    boolean requireMic) {
  static final int MAX_NETBIOS = 15;
  static final int MAX_DNS = 255;
  private static final List<String> NAMES =
      List.of(
          "netbiosComputer",
          "netbiosDomain",
          "dnsComputer",
          "dnsDomain",
          "acceptedDomains",
          "timestampSkewSeconds",
          "handshakeTimeoutSeconds",
          "allowNtlmV1",
          "emptyDomainFallback",
          "requireMic");

  /** Characters Windows forbids in NetBIOS names, besides spaces and controls. */
  private static final String NETBIOS_FORBIDDEN = "\\/:*?\"<>|";

  NtlmSettings {
    acceptedDomains = Set.copyOf(acceptedDomains);
  }

  /**
   * Reads and checks the named values behind {@code prefix}.
   *
   * @param serverName {@code WMS_SERVER_NAME}, from which the names default
   * @throws PluginException {@code E_INVALIDARG}, naming the value and the fix
   */
  static NtlmSettings from(NamedValues values, String prefix, String serverName) {
    Reader r = new Reader(values, prefix);
    for (String key : values.asMap().keySet()) {
      // Strict, like host.json: a misspelt name would otherwise silently keep its default.
      if (key.startsWith(prefix) && !NAMES.contains(key.substring(prefix.length()))) {
        throw r.invalid(
            key.substring(prefix.length()),
            "is not an NTLM setting; the settings are " + String.join(", ", NAMES));
      }
    }
    String host = serverName == null || serverName.isBlank() ? "authhost" : serverName.strip();
    String computer = r.netbios("netbiosComputer", defaultNetbios(host));
    String domain = r.netbios("netbiosDomain", computer);
    String dnsComputer = r.dns("dnsComputer", defaultDns(host));
    int dot = dnsComputer.indexOf('.');
    String dnsDomain =
        r.dns(
            "dnsDomain",
            dot > 0 && dot < dnsComputer.length() - 1
                ? dnsComputer.substring(dot + 1)
                : dnsComputer);
    Set<String> accepted = new LinkedHashSet<>();
    boolean any = false;
    String list = r.get("acceptedDomains", "");
    if (!list.isBlank()) {
      for (String item : list.split(",", -1)) {
        String d = item.strip();
        if (d.isEmpty() || d.length() > MAX_DNS || d.chars().anyMatch(Character::isISOControl)) {
          throw r.invalid(
              "acceptedDomains",
              "must be a comma-separated list of domain names (1 to "
                  + MAX_DNS
                  + " characters each) or *");
        }
        if (d.equals("*")) {
          any = true;
        } else {
          accepted.add(d.toUpperCase(Locale.ROOT));
        }
      }
    }
    return new NtlmSettings(
        computer,
        domain,
        dnsComputer,
        dnsDomain,
        accepted,
        any,
        Duration.ofSeconds(r.seconds("timestampSkewSeconds", 300, 86_400)),
        Duration.ofSeconds(r.seconds("handshakeTimeoutSeconds", 60, 3_600)),
        r.bool("allowNtlmV1", false),
        r.bool("emptyDomainFallback", true),
        r.bool("requireMic", false));
  }

  /**
   * Whether a client's UserDom names this server's local accounts: empty, {@code "."}, one of our
   * four names or an accepted domain, ignoring case.
   */
  boolean serves(String domain) {
    if (anyDomain || domain.isEmpty() || domain.equals(".")) {
      return true;
    }
    String d = domain.toUpperCase(Locale.ROOT);
    return d.equals(netbiosComputer.toUpperCase(Locale.ROOT))
        || d.equals(netbiosDomain.toUpperCase(Locale.ROOT))
        || d.equals(dnsComputer.toUpperCase(Locale.ROOT))
        || d.equals(dnsDomain.toUpperCase(Locale.ROOT))
        || acceptedDomains.contains(d);
  }

  /**
   * Whether the local domain is the machine itself (then the CHALLENGE says TARGET_TYPE_SERVER).
   */
  boolean standalone() {
    return netbiosDomain.equalsIgnoreCase(netbiosComputer);
  }

  private static String defaultNetbios(String host) {
    int dot = host.indexOf('.');
    String label = (dot > 0 ? host.substring(0, dot) : host).toUpperCase(Locale.ROOT);
    StringBuilder b = new StringBuilder();
    for (char c : label.toCharArray()) {
      if (b.length() == MAX_NETBIOS) {
        break;
      }
      b.append(netbiosChar(c) ? c : '-');
    }
    return b.length() == 0 ? "AUTHHOST" : b.toString();
  }

  private static String defaultDns(String host) {
    StringBuilder b = new StringBuilder();
    for (char c : host.toLowerCase(Locale.ROOT).toCharArray()) {
      if (b.length() == MAX_DNS) {
        break;
      }
      b.append(dnsChar(c) ? c : '-');
    }
    return b.toString();
  }

  private static boolean netbiosChar(char c) {
    return c > 0x20 && c < 0x7F && NETBIOS_FORBIDDEN.indexOf(c) < 0;
  }

  private static boolean dnsChar(char c) {
    return c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_');
  }

  /** Reads one prefixed value at a time and words the complaint. */
  private record Reader(NamedValues values, String prefix) {
    String get(String name, String defaultValue) {
      return values.get(prefix + name, defaultValue);
    }

    String netbios(String name, String defaultValue) {
      String v = get(name, defaultValue).strip();
      if (v.isEmpty()
          || v.length() > MAX_NETBIOS
          || !v.chars().allMatch(c -> netbiosChar((char) c))) {
        throw invalid(
            name,
            "must be 1 to "
                + MAX_NETBIOS
                + " printable ASCII characters without spaces or "
                + NETBIOS_FORBIDDEN);
      }
      return v;
    }

    String dns(String name, String defaultValue) {
      String v = get(name, defaultValue).strip();
      if (v.isEmpty() || v.length() > MAX_DNS || !v.chars().allMatch(c -> dnsChar((char) c))) {
        throw invalid(
            name,
            "must be a DNS name: 1 to " + MAX_DNS + " ASCII letters, digits, '-', '_' or '.'");
      }
      return v;
    }

    long seconds(String name, long defaultValue, long max) {
      long v;
      try {
        v = Long.parseLong(get(name, Long.toString(defaultValue)).strip());
      } catch (NumberFormatException e) {
        v = -1;
      }
      if (v < 1 || v > max) {
        throw invalid(name, "must be a whole number of seconds from 1 to " + max);
      }
      return v;
    }

    boolean bool(String name, boolean defaultValue) {
      String v = get(name, Boolean.toString(defaultValue)).strip();
      if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(v);
      }
      throw invalid(name, "must be \"true\" or \"false\"");
    }

    /** Naming the value and the settings, so the host points at its line and a likely name. */
    PluginException invalid(String name, String problem) {
      return new NamedValueException(
          prefix + name,
          NAMES.stream().map(n -> prefix + n).toList(),
          "named value '"
              + prefix
              + name
              + "' "
              + problem
              + "; fix plugins.settings."
              + values.pluginId()
              + ".properties."
              + prefix
              + name
              + " in host.json");
    }
  }
}
