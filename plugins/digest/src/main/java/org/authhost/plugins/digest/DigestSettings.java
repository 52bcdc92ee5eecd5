package org.authhost.plugins.digest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.authhost.api.NamedValueException;
import org.authhost.api.NamedValues;
import org.authhost.api.PluginException;

/**
 * The operator's named values ({@code plugins.settings.digest.properties} in {@code host.json}),
 * checked once in {@code InitializePlugin}. A wrong value fails it with {@code E_INVALIDARG} and a
 * message that names the value and the fix; the host turns that into its own event.
 *
 * <table>
 *   <caption>Named values</caption>
 *   <tr><th>Name</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code realm}</td><td>{@code AuthHost}</td><td>The realm, at most 251 printable ASCII
 *       characters without {@code "} or {@code \} (the WMS limit; ASCII because the realm is hashed
 *       into HA1 and clients disagree on how to encode anything else). It must be one of the host's
 *       {@code accounts.digestRealms}, which is checked when the plug-in is enabled: the host keeps
 *       HA1 only for those realms, so with any other realm every logon would fail.</td></tr>
 *   <tr><td>{@code algorithms}</td><td>{@code SHA-256,MD5}</td><td>Offered in this order, one
 *       {@code WWW-Authenticate} each: {@code MD5}, {@code MD5-sess}, {@code SHA-256},
 *       {@code SHA-256-sess}, {@code SHA-512-256}, {@code SHA-512-256-sess}. Browsers and curl take
 *       the first they support; ffmpeg and live555 (VLC) take the last, and know only MD5. Python's
 *       urllib reads only the first and fails on anything but MD5. No order suits every client:
 *       {@code SHA-256,MD5} (the default) serves browsers, curl, ffmpeg and VLC; {@code MD5} alone
 *       also serves urllib, at MD5's strength. To RTSP clients {@code MD5} always goes last, whatever
 *       the order here.</td></tr>
 *   <tr><td>{@code qop}</td><td>{@code auth,auth-int}</td><td>The qop values offered.</td></tr>
 *   <tr><td>{@code userhash}</td><td>{@code true}</td><td>Offer {@code userhash=true}, so that the
 *       user name does not travel in clear.</td></tr>
 *   <tr><td>{@code legacy}</td><td>{@code false}</td><td>Also accept, over HTTP, the RFC 2069 form
 *       without qop, nc and cnonce. It has no count, so each nonce is accepted once: such clients get
 *       {@code stale=true} and a new nonce on every further request. Over RTSP the form is always
 *       accepted (live555/VLC and GStreamer know no other), with its nonce bound to the client's
 *       connection, account and RTSP session instead, so that it serves the whole
 *       connection.</td></tr>
 *   <tr><td>{@code nonceLifetimeSeconds}</td><td>{@code 300}</td><td>How long a nonce is good for
 *       (1 to 86400); past half of it, a success carries a {@code nextnonce}. Each nonce a client
 *       uses is one entry in the host's state service (the window of its last 1,024 counts), two
 *       once it has earned a {@code nextnonce}, until it has expired (and a minute more): the store
 *       holds about the nonces put to use per second times this lifetime, however many requests
 *       each serves. The host's local store ({@code state.maxEntries}, 1,000,000 by default) then
 *       serves some 2,700 new nonces a second steadily at the default (1,400 if every one is used
 *       past half its lifetime), and answers 503 beyond; a
 *       client that takes a new nonce for every request (one that does not keep the nonce) costs
 *       one entry per request.</td></tr>
 * </table>
 *
 * @param realm the realm
 * @param algorithms the algorithms offered, in order
 * @param qops the qop values offered, in order
 * @param userhash whether {@code userhash=true} is offered
 * @param legacy whether the RFC 2069 form is accepted
 * @param nonceLifetime how long a nonce is good for
 */
record DigestSettings(
    String realm,
    List<DigestAlgorithm> algorithms,
    List<String> qops,
    boolean userhash,
    boolean legacy,
    Duration nonceLifetime) {
  /** {@code IWMSAdminRealm}: a longer realm is {@code E_INVALIDARG}. */
  static final int MAX_REALM_LENGTH = 251;

  static final List<String> NAMES =
      List.of("realm", "algorithms", "qop", "userhash", "legacy", "nonceLifetimeSeconds");

  DigestSettings {
    algorithms = List.copyOf(algorithms);
    qops = List.copyOf(qops);
  }

  /**
   * Reads and checks the named values.
   *
   * @throws PluginException {@code E_INVALIDARG}, naming the value and the fix
   */
  static DigestSettings from(NamedValues values) {
    for (String name : values.asMap().keySet()) {
      if (!NAMES.contains(name)) {
        // Strict, like host.json: a misspelt name would otherwise silently keep its default.
        throw invalid(
            values,
            name,
            "is not a setting of this plug-in; the settings are " + String.join(", ", NAMES));
      }
    }
    String realm = values.get("realm", "AuthHost");
    if (realm.isEmpty()
        || realm.length() > MAX_REALM_LENGTH
        || !realm.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '"' && c != '\\')) {
      throw invalid(
          values,
          "realm",
          "must be 1 to " + MAX_REALM_LENGTH + " printable ASCII characters without '\"' or '\\'");
    }
    List<DigestAlgorithm> algorithms = new ArrayList<>();
    for (String token : list(values, "algorithms", "SHA-256,MD5")) {
      DigestAlgorithm a =
          DigestAlgorithm.forToken(token)
              .orElseThrow(
                  () ->
                      invalid(
                          values,
                          "algorithms",
                          "has '"
                              + token
                              + "'; use MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256, SHA-512-256-sess"));
      if (algorithms.contains(a)) {
        throw invalid(values, "algorithms", "names " + a + " twice");
      }
      algorithms.add(a);
    }
    List<String> qops = new ArrayList<>();
    for (String token : list(values, "qop", "auth,auth-int")) {
      String q = token.toLowerCase(Locale.ROOT);
      if (!q.equals(DigestMath.AUTH) && !q.equals(DigestMath.AUTH_INT)) {
        throw invalid(values, "qop", "has '" + token + "'; use auth, auth-int");
      }
      if (qops.contains(q)) {
        throw invalid(values, "qop", "names " + q + " twice");
      }
      qops.add(q);
    }
    long lifetime;
    try {
      lifetime = Long.parseLong(values.get("nonceLifetimeSeconds", "300").strip());
    } catch (NumberFormatException e) {
      lifetime = -1;
    }
    if (lifetime < 1 || lifetime > 86_400) {
      throw invalid(
          values, "nonceLifetimeSeconds", "must be a whole number of seconds from 1 to 86400");
    }
    return new DigestSettings(
        realm,
        algorithms,
        qops,
        bool(values, "userhash", true),
        bool(values, "legacy", false),
        Duration.ofSeconds(lifetime));
  }

  private static List<String> list(NamedValues values, String name, String defaultValue) {
    List<String> items = new ArrayList<>();
    for (String item : values.get(name, defaultValue).split(",", -1)) {
      if (item.isBlank()) {
        throw invalid(
            values,
            name,
            "has an empty item; write a comma-separated list such as " + defaultValue);
      }
      items.add(item.strip());
    }
    return items;
  }

  private static boolean bool(NamedValues values, String name, boolean defaultValue) {
    String v = values.get(name, Boolean.toString(defaultValue)).strip();
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw invalid(values, name, "must be \"true\" or \"false\"");
  }

  private static PluginException invalid(NamedValues values, String name, String problem) {
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
