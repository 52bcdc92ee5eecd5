package org.authhost.plugins.bearer;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.authhost.api.NamedValues;

/**
 * The operator's settings ({@code plugins.settings.bearer.properties}), checked at {@code
 * initialize}: a wrong one throws {@link IllegalArgumentException} naming the property and how to
 * write it.
 *
 * @param realm shown in the challenge
 * @param issuer the provider's {@code iss}, compared exactly; with no {@code jwksUri} and no {@code
 *     jwks}, its discovery document names the keys
 * @param audiences accepted {@code aud} values (one must be in the token)
 * @param jwksUri where the keys are, if not from discovery
 * @param jwks keys given inline (a JWKS JSON document), for a provider that is never asked
 * @param algorithms the signature algorithms accepted: asymmetric only
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param keysMaxAge how long fetched keys are used before they are fetched again
 * @param refetchInterval the least time between two fetches (an unknown {@code kid} or an outage
 *     never fetches more often)
 * @param fetchTimeout connect and read time-out of one fetch, and the longest an exchange waits for
 *     one; below {@code plugins.callbackTimeoutMillis}
 * @param identity {@code account}: the claim names a local account; {@code principal}: a principal
 *     without a local account, with mapped groups
 * @param accountClaim the claim that names the account ({@code account}) or is shown ({@code
 *     principal})
 * @param groupsClaim the claim with the token's groups or roles ({@code principal})
 * @param groupMap token group → local group ({@code principal})
 * @param maxCachedTokens how many verified tokens are remembered until they expire
 * @param allowAdministrators whether a token may log on an account in Administrators ({@code
 *     account}); off by default: a claim the provider lets users edit must not make an admin
 */
record BearerSettings(
    String realm,
    String issuer,
    Set<String> audiences,
    Optional<URI> jwksUri,
    Optional<String> jwks,
    Set<JWSAlgorithm> algorithms,
    Duration clockSkew,
    Duration keysMaxAge,
    Duration refetchInterval,
    Duration fetchTimeout,
    Identity identity,
    String accountClaim,
    String groupsClaim,
    Map<String, String> groupMap,
    int maxCachedTokens,
    boolean allowAdministrators) {

  /** How a verified token becomes a logon. */
  enum Identity {
    ACCOUNT,
    PRINCIPAL
  }

  /** The asymmetric algorithms the bundled library verifies without extra providers. */
  static final Set<JWSAlgorithm> SUPPORTED =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  static BearerSettings read(NamedValues values) {
    String realm = values.get("realm", "AuthHost").replace("\"", "").replace("\\", "");
    String issuer = required(values, "issuer", "the provider's issuer, e.g. https://idp/realms/x");
    Set<String> audiences = list(values.get("audience", ""));
    if (audiences.isEmpty()) {
      throw problem(
          values,
          "audience",
          "is missing; name the audience (aud) tokens for this host carry, comma separated");
    }
    Optional<URI> jwksUri =
        values.get("jwksUri").filter(s -> !s.isBlank()).map(s -> uri(values, "jwksUri", s));
    Optional<String> jwks = values.get("jwks").filter(s -> !s.isBlank());
    if (jwksUri.isEmpty() && jwks.isEmpty()) {
      uri(values, "issuer", issuer); // discovery: the issuer must be a URL
    }
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    for (String name : list(values.get("algorithms", "RS256,PS256,ES256"))) {
      JWSAlgorithm alg = JWSAlgorithm.parse(name);
      if (!SUPPORTED.contains(alg)) {
        throw problem(
            values,
            "algorithms",
            "names '"
                + name
                + "', which is not accepted (never none, never an HMAC algorithm, which a public"
                + " key would turn into a forgery); use RS256, RS384, RS512, PS256, PS384, PS512,"
                + " ES256, ES384 or ES512");
      }
      algorithms.add(alg);
    }
    if (algorithms.isEmpty()) {
      throw problem(values, "algorithms", "is empty; name at least one, e.g. RS256");
    }
    Identity identity =
        switch (values.get("identity", "account").strip().toLowerCase()) {
          case "account" -> Identity.ACCOUNT;
          case "principal" -> Identity.PRINCIPAL;
          default ->
              throw problem(
                  values, "identity", "must be 'account' (a local account) or 'principal'");
        };
    Map<String, String> groupMap = new LinkedHashMap<>();
    for (String entry : list(values.get("groupMap", ""))) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw problem(
            values,
            "groupMap",
            "entry '" + entry + "' is not tokenGroup=LocalGroup, e.g. viewers=Users");
      }
      groupMap.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
    }
    return new BearerSettings(
        realm,
        issuer,
        audiences,
        jwksUri,
        jwks,
        Set.copyOf(algorithms),
        Duration.ofSeconds(number(values, "clockSkewSeconds", 60, 0, 3600)),
        Duration.ofSeconds(number(values, "keysMaxAgeSeconds", 900, 1, 86_400)),
        Duration.ofSeconds(number(values, "refetchIntervalSeconds", 30, 0, 3600)),
        Duration.ofMillis(number(values, "fetchTimeoutMillis", 2000, 100, 60_000)),
        identity,
        values.get("accountClaim", "preferred_username").strip(),
        values.get("groupsClaim", "groups").strip(),
        Map.copyOf(groupMap),
        (int) number(values, "maxCachedTokens", 10_000, 0, 1_000_000),
        flag(values, "allowAdministrators"));
  }

  private static boolean flag(NamedValues values, String name) {
    String text = values.get(name, "false").strip();
    if (!text.equals("true") && !text.equals("false")) {
      throw problem(values, name, "is '" + text + "'; give true or false");
    }
    return text.equals("true");
  }

  private static String required(NamedValues values, String name, String what) {
    String value = values.get(name, "").strip();
    if (value.isEmpty()) {
      throw problem(values, name, "is missing; give " + what);
    }
    return value;
  }

  private static URI uri(NamedValues values, String name, String text) {
    try {
      URI uri = new URI(text.strip());
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
        throw new URISyntaxException(text, "not http or https");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw problem(values, name, "'" + text + "' is not an http(s) URL: " + e.getReason());
    }
  }

  private static long number(NamedValues values, String name, long dflt, long min, long max) {
    String text = values.get(name, String.valueOf(dflt)).strip();
    try {
      long n = Long.parseLong(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw problem(
        values, name, "is '" + text + "'; give a whole number from " + min + " to " + max);
  }

  private static Set<String> list(String text) {
    Set<String> items = new LinkedHashSet<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return items;
  }

  private static IllegalArgumentException problem(NamedValues values, String name, String what) {
    return new IllegalArgumentException(
        "plugins.settings." + values.pluginId() + ".properties." + name + " " + what);
  }
}
