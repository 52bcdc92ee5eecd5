package org.authhost.host.plugins;

/**
 * What an authentication plug-in may give as its protocol name ({@code GetProtocolName}): the
 * scheme clients write in {@code Authorization} and the host writes in {@code WWW-Authenticate}, so
 * an RFC 9110 token (§5.6.2). Anything else could never be chosen by a client, so the plug-in would
 * show enabled while every request failed, and a CR LF in it would split a header line.
 */
final class ProtocolName {
  /** The RFC 9110 {@code tchar} punctuation; letters and digits besides. */
  private static final String PUNCTUATION = "!#$%&'*+-.^_`|~";

  private ProtocolName() {}

  /** Whether {@code name} is a non-empty RFC 9110 token. */
  static boolean isValid(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letterOrDigit =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!letterOrDigit && PUNCTUATION.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }
}
