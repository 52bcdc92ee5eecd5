package org.authhost.host.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.authhost.api.Sid;

/**
 * The user SID of a principal without a local account. Windows gives such principals SIDs under an
 * authority of their own (a trusted domain's, or S-1-9 for resource managers); here it is S-1-9
 * followed by four sub-authorities taken from SHA-256 of the plug-in's id, the issuer and the
 * subject: the same principal from the same plug-in always gets the same SID (across restarts: it
 * is computed, not stored), two plug-ins or two issuers never share one, and no local account
 * (S-1-5-21-...) can ever have it. No part can hold a line feed, so the joined text is unambiguous.
 */
final class PrincipalSids {
  /** The authority every principal's SID is under, with its dash: no local account's is. */
  static final String AUTHORITY = "S-1-9-";

  private PrincipalSids() {}

  static Sid of(String pluginId, String issuer, String subject) {
    byte[] h;
    try {
      h =
          MessageDigest.getInstance("SHA-256")
              .digest((pluginId + "\n" + issuer + "\n" + subject).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    StringBuilder sid = new StringBuilder(AUTHORITY.substring(0, AUTHORITY.length() - 1));
    for (int i = 0; i < 4; i++) {
      long part =
          ((h[4 * i] & 0xFFL) << 24)
              | ((h[4 * i + 1] & 0xFFL) << 16)
              | ((h[4 * i + 2] & 0xFFL) << 8)
              | (h[4 * i + 3] & 0xFFL);
      sid.append('-').append(part);
    }
    return new Sid(sid.toString());
  }
}
