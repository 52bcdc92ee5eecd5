package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
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
  // The proof's closing quote opens the next name: the hex goes between RSPAUTH and QOP.
  private static final byte[] RSPAUTH = ascii("rspauth=\"");
  private static final byte[] QOP = ascii("\", qop=");
  private static final byte[] CNONCE = ascii(", cnonce=");
  private static final byte[] NC = ascii(", nc=");
  private static final byte[] NEXTNONCE = ascii("nextnonce=");

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
   * The {@code Authentication-Info} value (RFC 7616 §3.5, RFC 7615) as the octets the host sends,
   * empty when there is nothing to say. Every success answers with one, so it is written once into
   * an array of its exact length, the proof's hex in place: no builder, string or hex string on the
   * way.
   *
   * @param rspauth the server's proof (octets, written as hex), or {@code null} (RFC 2069 form, or
   *     auth-int)
   * @param credentials the response being answered: its qop, cnonce and nc are echoed (one char per
   *     octet, as the plug-in read them)
   * @param nextnonce a nonce for the client's next request, or {@code null}
   */
  static byte[] authenticationInfoOctets(
      byte[] rspauth, DigestCredentials credentials, String nextnonce) {
    int size = 0;
    if (rspauth != null) {
      size +=
          RSPAUTH.length
              + rspauth.length * 2
              + QOP.length
              + credentials.qop().length()
              + CNONCE.length
              + quotedLength(credentials.cnonce())
              + NC.length
              + credentials.nc().length();
    }
    if (nextnonce != null) {
      size += (rspauth != null ? 2 : 0) + NEXTNONCE.length + quotedLength(nextnonce);
    }
    byte[] info = new byte[size];
    int at = 0;
    if (rspauth != null) {
      at = put(RSPAUTH, info, at);
      at = Hashing.writeHex(rspauth, info, at);
      at = put(QOP, info, at);
      at = Hashing.latin1(credentials.qop(), info, at);
      at = put(CNONCE, info, at);
      at = quoted(credentials.cnonce(), info, at);
      at = put(NC, info, at);
      at = Hashing.latin1(credentials.nc(), info, at);
    }
    if (nextnonce != null) {
      if (rspauth != null) {
        info[at++] = ',';
        info[at++] = ' ';
      }
      at = put(NEXTNONCE, info, at);
      quoted(nextnonce, info, at);
    }
    return info;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static int put(byte[] octets, byte[] to, int at) {
    System.arraycopy(octets, 0, to, at, octets.length);
    return at + octets.length;
  }

  /** How long {@link #quoted} writes {@code value}: its quotes and escapes included. */
  private static int quotedLength(String value) {
    int length = value.length() + 2;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        length++;
      }
    }
    return length;
  }

  /** {@link #quote(String)} written as octets. */
  private static int quoted(String value, byte[] to, int at) {
    to[at++] = '"';
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        to[at++] = '\\';
      }
      to[at++] = Hashing.latin1(c);
    }
    to[at++] = '"';
    return at;
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
