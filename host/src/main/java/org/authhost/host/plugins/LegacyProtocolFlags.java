package org.authhost.host.plugins;

import java.util.Locale;
import org.authhost.api.AuthenticationFlags;

/**
 * What hosts before API 1.3 knew of a protocol by its name, for plug-ins that declare an older
 * {@code api-version}: such a plug-in cannot set the 1.3 flags, and without them an NTLM plug-in
 * would lose its connection and a Basic one would be offered without TLS. This is the only place
 * the host reads a protocol's name for behaviour, and only for plug-ins that predate the flags; a
 * 1.3 plug-in's flags are taken as it gives them.
 */
final class LegacyProtocolFlags {
  private LegacyProtocolFlags() {}

  /** {@code flags} as a pre-1.3 host would have used them for {@code protocol}. */
  static int apply(ApiVersion apiVersion, String protocol, int flags) {
    if (!before13(apiVersion)) {
      return flags;
    }
    return flags
        | switch (protocol.toLowerCase(Locale.ROOT)) {
          case "ntlm" -> AuthenticationFlags.CONNECTION_BOUND | AuthenticationFlags.BROWSER_ANSWERS;
          case "negotiate", "kerberos" ->
              AuthenticationFlags.CONNECTION_BOUND
                  | AuthenticationFlags.COMPLETES_IN_ONE_LEG
                  | AuthenticationFlags.BROWSER_ANSWERS;
          case "basic" -> AuthenticationFlags.SENDS_PASSWORD | AuthenticationFlags.BROWSER_ANSWERS;
          case "digest" ->
              AuthenticationFlags.AUTHENTICATION_INFO | AuthenticationFlags.BROWSER_ANSWERS;
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
