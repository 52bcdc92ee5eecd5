package org.authhost.plugins.digest;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The text this plug-in sends: the {@code WWW-Authenticate} challenges and the {@code
 * Authentication-Info} of a success, quoted as RFC 7616 §3.3 and §3.5 say.
 *
 * <p>Quoted: {@code realm}, {@code nonce}, {@code opaque}, {@code qop} (in the challenge), {@code
 * rspauth}, {@code cnonce}, {@code nextnonce}. Not quoted: {@code algorithm}, {@code stale}, {@code
 * charset}, {@code userhash}, and {@code qop} and {@code nc} in {@code Authentication-Info}.
 */
final class Challenges {
  private Challenges() {}

  /**
   * One challenge per offered algorithm, in the configured order, separated by {@code "\n"}: the
   * host sends one {@code WWW-Authenticate: Digest <line>} per line.
   *
   * <p>Each line starts {@code realm="…", nonce="…"}, then {@code stale=true} when set: live555
   * (VLC's RTSP client) and the RTSP clients copied from it read the challenge with {@code
   * sscanf("Digest realm=\"%[^\"]\", nonce=\"%[^\"]\", stale=%[a-zA-Z]")}, so any other order
   * leaves them unable to log on or to notice a stale nonce. The qop list has no space after the
   * comma: Python's urllib splits it on "," alone.
   *
   * <p>For an RTSP client, {@code MD5} goes last whatever the configured order: ffmpeg takes the
   * last Digest challenge it parses and knows only MD5 and MD5-sess (a SHA-256 challenge last
   * leaves it without credentials), and live555 knows only MD5. The others keep their order before
   * it, for clients that take the first they support.
   */
  static String challenges(
      DigestSettings settings, String nonce, String opaque, boolean stale, boolean rtsp) {
    StringJoiner lines = new StringJoiner("\n");
    for (DigestAlgorithm algorithm :
        rtsp ? md5Last(settings.algorithms()) : settings.algorithms()) {
      StringBuilder b = new StringBuilder(200);
      b.append("realm=").append(quote(settings.realm()));
      b.append(", nonce=").append(quote(nonce));
      if (stale) {
        b.append(", stale=true");
      }
      b.append(", qop=").append(quote(String.join(",", settings.qops())));
      b.append(", algorithm=").append(algorithm.token());
      b.append(", opaque=").append(quote(opaque));
      b.append(", charset=UTF-8");
      if (settings.userhash()) {
        b.append(", userhash=true");
      }
      lines.add(b);
    }
    return lines.toString();
  }

  private static List<DigestAlgorithm> md5Last(List<DigestAlgorithm> configured) {
    if (!configured.contains(DigestAlgorithm.MD5)) {
      return configured;
    }
    List<DigestAlgorithm> ordered = new ArrayList<>(configured);
    ordered.remove(DigestAlgorithm.MD5);
    ordered.add(DigestAlgorithm.MD5);
    return ordered;
  }

  /**
   * The {@code Authentication-Info} value (RFC 7616 §3.5, RFC 7615), or {@code ""} when there is
   * nothing to say.
   *
   * @param rspauth the server's proof, or {@code null} (RFC 2069 form, or auth-int)
   * @param credentials the response being answered: its qop, cnonce and nc are echoed
   * @param nextnonce a nonce for the client's next request, or {@code null}
   */
  static String authenticationInfo(
      String rspauth, DigestCredentials credentials, String nextnonce) {
    // Built on every success: one builder, sized for an SHA-256 rspauth and a nextnonce.
    StringBuilder info = new StringBuilder(200);
    if (rspauth != null) {
      quote(info.append("rspauth="), rspauth);
      info.append(", qop=").append(credentials.qop());
      quote(info.append(", cnonce="), credentials.cnonce());
      info.append(", nc=").append(credentials.nc());
    }
    if (nextnonce != null) {
      quote(info.append(info.length() == 0 ? "nextnonce=" : ", nextnonce="), nextnonce);
    }
    return info.toString();
  }

  /** A quoted-string, escaping {@code "} and {@code \} (the cnonce echoed is the client's). */
  static String quote(String value) {
    return quote(new StringBuilder(value.length() + 2), value).toString();
  }

  private static StringBuilder quote(StringBuilder b, String value) {
    b.append('"');
    int plain = 0; // start of the run not yet copied: runs without " or \ go in whole
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        b.append(value, plain, i).append('\\');
        plain = i;
      }
    }
    return b.append(value, plain, value.length()).append('"');
  }
}
