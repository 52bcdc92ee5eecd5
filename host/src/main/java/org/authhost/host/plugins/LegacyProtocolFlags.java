package org.authhost.host.plugins;

import java.util.Locale;
import org.authhost.api.AuthenticationFlags;

/**
 * What hosts before API 1.3 knew of a protocol by its name, for plug-ins that declare an older
 * {@code api-version}: such a plug-in cannot set the 1.3 flags, and without them an NTLM plug-in
 * would lose its connection and a Basic one would be offered without TLS. This is the only place
 * the host reads a protocol's name for behaviour, and only for plug-ins that predate the flags; a
 * 1.3 plug-in's flags are taken as it gives them, with {@code BROWSER_ANSWERS} (API 1.4) added by
 * name as for older ones.
 */
final class LegacyProtocolFlags {
  private LegacyProtocolFlags() {}

  /** {@code flags} as a pre-1.3 host would have used them for {@code protocol}. */
  static int apply(ApiVersion apiVersion, String protocol, int flags) {
    // A bit a plug-in built before the API that defined it sets is no promise that its contexts
    // may be kept.
    int known = flags;
    if (apiVersion.isBefore(ApiVersion.V1_6)) {
      known &= ~AuthenticationFlags.REUSABLE_CONTEXT;
    }
    if (apiVersion.isBefore(ApiVersion.V1_7)) {
      known &= ~AuthenticationFlags.REVERIFYING_CONTEXT;
    }
    if (!before13(apiVersion)) {
      return known | browserAnswers(apiVersion, protocol);
    }
    return browserAnswers(apiVersion, protocol)
        | known
        | switch (protocol.toLowerCase(Locale.ROOT)) {
          case "ntlm" -> AuthenticationFlags.CONNECTION_BOUND;
          case "negotiate", "kerberos" ->
              AuthenticationFlags.CONNECTION_BOUND | AuthenticationFlags.COMPLETES_IN_ONE_LEG;
          case "basic" -> AuthenticationFlags.SENDS_PASSWORD;
          case "digest" -> AuthenticationFlags.AUTHENTICATION_INFO;
          default -> 0;
        };
  }

  /**
   * The bits of {@code flags} that {@link #apply} drops because {@code apiVersion} predates the API
   * that defined them, with that API's version, as text for the operator's event; null if none.
   */
  static String ignored(ApiVersion apiVersion, int flags) {
    StringBuilder b = new StringBuilder();
    if (apiVersion.isBefore(ApiVersion.V1_6)
        && AuthenticationFlags.has(flags, AuthenticationFlags.REUSABLE_CONTEXT)) {
      b.append("REUSABLE_CONTEXT (API ").append(ApiVersion.V1_6).append(')');
    }
    if (apiVersion.isBefore(ApiVersion.V1_7)
        && AuthenticationFlags.has(flags, AuthenticationFlags.REVERIFYING_CONTEXT)) {
      b.append(b.isEmpty() ? "" : ", ")
          .append("REVERIFYING_CONTEXT (API ")
          .append(ApiVersion.V1_7)
          .append(')');
    }
    return b.isEmpty() ? null : b.toString();
  }

  /**
   * {@link AuthenticationFlags#BROWSER_ANSWERS} (API 1.4) for a plug-in built before it that offers
   * a protocol browsers answer by themselves, so that the web console keeps offering it.
   */
  private static int browserAnswers(ApiVersion apiVersion, String protocol) {
    if (!apiVersion.isBefore(ApiVersion.V1_4)) {
      return 0;
    }
    return switch (protocol.toLowerCase(Locale.ROOT)) {
      case "ntlm", "negotiate", "kerberos", "basic", "digest" ->
          AuthenticationFlags.BROWSER_ANSWERS;
      default -> 0;
    };
  }

  /**
   * Whether a plug-in declaring {@code apiVersion} was built before API 1.3: it cannot set the 1.3
   * flags, and what it returns with a refusal is no promise that the refusal is benign.
   */
  static boolean before13(ApiVersion apiVersion) {
    return apiVersion.isBefore(ApiVersion.V1_3);
  }
}
