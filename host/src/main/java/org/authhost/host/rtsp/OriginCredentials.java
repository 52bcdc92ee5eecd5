package org.authhost.host.rtsp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AuthHost's own credentials towards an origin that challenges (from the {@code user:password@} of
 * the point's {@code rtsp://} origin): Digest (RFC 2617 with {@code qop=auth} when offered, else
 * the RFC 2069 form every RTSP server accepts), or Basic when that is all the origin offers and the
 * origin is on loopback (the relay speaks plain TCP: Basic would put the password on the wire in
 * clear; a point whose origin offers only Basic elsewhere is refused 502, audited). Once
 * challenged, every later request carries them, as RTSP clients do. The client's own {@code
 * Authorization} never goes to the origin.
 */
final class OriginCredentials {
  /** Compiled once: asked on every connection's origin connect. */
  private static final Pattern LOOPBACK_V4 =
      Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private static final Pattern PARAM =
      Pattern.compile("([A-Za-z0-9_-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]+))");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String user;
  private final String password;
  private final boolean basicAllowed;
  private Map<String, String> digest;
  private boolean basic;
  private boolean basicWithheld;
  private int nc;

  private OriginCredentials(String user, String password, boolean basicAllowed) {
    this.user = user;
    this.password = password;
    this.basicAllowed = basicAllowed;
  }

  /**
   * The credentials in an origin URL's user information, or null when it has none; Basic only when
   * {@code host} is a loopback one (asked only then: a pattern match on every connection was
   * measurable for origins that need no credentials).
   */
  static OriginCredentials of(String rawUserInfo, String host) {
    if (rawUserInfo == null || rawUserInfo.isEmpty()) {
      return null;
    }
    int colon = rawUserInfo.indexOf(':');
    String user = colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon);
    String password = colon < 0 ? "" : rawUserInfo.substring(colon + 1);
    return new OriginCredentials(decode(user), decode(password), loopback(host));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * Takes the origin's challenges ({@code WWW-Authenticate} values); false when none is one these
   * credentials can answer. The relay answers a challenge once per request, so a wrong password
   * ends in the origin's second 401.
   */
  boolean challenged(List<String> challenges) {
    basicWithheld = false;
    Map<String, String> chosen = null;
    boolean offersBasic = false;
    for (String c : challenges) {
      String scheme = c.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
      if (scheme.equals("digest")) {
        Map<String, String> params = params(c.strip().substring(6));
        String algorithm = params.getOrDefault("algorithm", "MD5");
        if (algorithm.equalsIgnoreCase("MD5") && params.containsKey("nonce")) {
          chosen = params;
        }
      } else if (scheme.equals("basic")) {
        offersBasic = true;
      }
    }
    if (chosen != null) {
      digest = chosen;
      nc = 0;
      return true;
    }
    if (offersBasic && basicAllowed) {
      basic = true;
      return true;
    }
    basicWithheld = offersBasic;
    return false;
  }

  /** Whether the origin's last challenge offered only Basic, withheld from a remote origin. */
  boolean basicWithheld() {
    return basicWithheld;
  }

  /** A host name or literal that is this machine: Basic may go to it over plain TCP. */
  static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost")
        || LOOPBACK_V4.matcher(h).matches()
        || h.equals("::1")
        || h.equals("[::1]");
  }

  /** The {@code Authorization} value for a request, or null before any challenge. */
  String authorization(String method, String uri) {
    if (digest != null) {
      String realm = digest.getOrDefault("realm", "");
      String nonce = digest.get("nonce");
      String ha1 = md5(user + ":" + realm + ":" + password);
      String ha2 = md5(method + ":" + uri);
      String qop = digest.get("qop");
      boolean auth =
          qop != null && List.of(qop.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains("auth");
      StringBuilder h =
          new StringBuilder("Digest username=\"")
              .append(user)
              .append("\", realm=\"")
              .append(realm)
              .append("\", nonce=\"")
              .append(nonce)
              .append("\", uri=\"")
              .append(uri)
              .append('"');
      if (auth) {
        String count = String.format("%08x", ++nc);
        byte[] c = new byte[8];
        RANDOM.nextBytes(c);
        String cnonce = HexFormat.of().formatHex(c);
        String response = md5(ha1 + ":" + nonce + ":" + count + ":" + cnonce + ":auth:" + ha2);
        h.append(", qop=auth, nc=")
            .append(count)
            .append(", cnonce=\"")
            .append(cnonce)
            .append("\", response=\"")
            .append(response)
            .append('"');
      } else {
        h.append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + ha2)).append('"');
      }
      if (digest.containsKey("algorithm")) {
        h.append(", algorithm=").append(digest.get("algorithm"));
      }
      if (digest.containsKey("opaque")) {
        h.append(", opaque=\"").append(digest.get("opaque")).append('"');
      }
      return h.toString();
    }
    if (basic) {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  static Map<String, String> params(String s) {
    Map<String, String> params = new HashMap<>();
    Matcher m = PARAM.matcher(s);
    while (m.find()) {
      params.put(
          m.group(1).toLowerCase(Locale.ROOT),
          m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3));
    }
    return params;
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
