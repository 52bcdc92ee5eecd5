package org.authhost.plugins.signedurl;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AuthHost's signed-URL format (version 1), plain Java with no API: five query parameters.
 *
 * <table>
 *   <caption>Parameters</caption>
 *   <tr><td>{@code ah_prefix}</td><td>the path prefix the signature covers, e.g. {@code
 *       /vod/show/720p/}: every path that starts with it, at a segment boundary (a whole HLS
 *       rendition, playlist and segments, with one signature); percent-encoded as a query value
 *       ({@code %2F} or a plain {@code /} both do)</td></tr>
 *   <tr><td>{@code ah_exp}</td><td>when it expires, in seconds since 1970 (UTC); refused from that
 *       second on</td></tr>
 *   <tr><td>{@code ah_ip}</td><td>optional: the only client address that may use it (an IPv4 or
 *       IPv6 literal)</td></tr>
 *   <tr><td>{@code ah_key}</td><td>the name of the key that signed it, so that two keys can be
 *       valid at once while the platform moves from one to the next</td></tr>
 *   <tr><td>{@code ah_sig}</td><td>HMAC-SHA256 with the key over {@code prefix + "\n" + exp + "\n"
 *       + ip} ({@code ip} empty when unbound), in base64url without padding</td></tr>
 * </table>
 *
 * <p>Everything wrong with a URL is a {@link Refused} with a reason for the audit that never holds
 * the signature.
 */
final class SignedUrl {
  static final String PREFIX = "ah_prefix";
  static final String EXPIRES = "ah_exp";
  static final String ADDRESS = "ah_ip";
  static final String KEY = "ah_key";
  static final String SIGNATURE = "ah_sig";

  /** Longest value of any parameter: a longer one is not ours. */
  static final int MAX_VALUE = 1024;

  /** An HMAC-SHA256 is 32 bytes: 43 characters of unpadded base64url. */
  private static final int SIGNATURE_BYTES = 32;

  private SignedUrl() {}

  /**
   * What a URL claims, not yet checked.
   *
   * @param address the bound client address, or null for none
   */
  record Claim(String prefix, long expires, String address, String keyName, byte[] signature) {}

  /** A URL refused; {@link #getMessage()} is the audit's reason. */
  static final class Refused extends Exception {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Reads the blob the host hands over: the URL's {@code ah_*} parameters as {@code name=value}
   * pairs joined by {@code &} (or the same text after {@code Authorization: SignedURL}).
   *
   * @throws Refused for a parameter missing, repeated, unknown, too long or malformed
   */
  static Claim parse(String blob) throws Refused {
    if (blob.isEmpty()) {
      throw new Refused("the URL carries no signature (no ah_* parameters)");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : blob.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!name.equals(PREFIX)
          && !name.equals(EXPIRES)
          && !name.equals(ADDRESS)
          && !name.equals(KEY)
          && !name.equals(SIGNATURE)) {
        throw new Refused("an unknown parameter '" + shown(name) + "'");
      }
      if (eq < 0) {
        throw new Refused("parameter " + name + " has no value");
      }
      if (pair.length() - eq - 1 > MAX_VALUE) {
        throw new Refused("parameter " + name + " is longer than " + MAX_VALUE + " characters");
      }
      if (values.put(name, decode(name, pair.substring(eq + 1))) != null) {
        throw new Refused("parameter " + name + " is repeated");
      }
    }
    for (String required : new String[] {PREFIX, EXPIRES, KEY, SIGNATURE}) {
      if (!values.containsKey(required)) {
        throw new Refused("a truncated signed URL: " + required + " is missing");
      }
    }
    String prefix = values.get(PREFIX);
    if (!prefix.startsWith("/") || hasDotSegment(prefix)) {
      throw new Refused("ah_prefix is not an absolute path without . or .. segments");
    }
    String exp = values.get(EXPIRES);
    if (!exp.matches("[0-9]{1,12}")) {
      throw new Refused("ah_exp is not a number of seconds");
    }
    String address = values.get(ADDRESS);
    if (address != null && literal(address) == null) {
      throw new Refused("ah_ip is not an IP address");
    }
    String key = values.get(KEY);
    if (!key.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new Refused("ah_key is not a key name");
    }
    byte[] signature;
    try {
      signature = Base64.getUrlDecoder().decode(values.get(SIGNATURE));
    } catch (IllegalArgumentException e) {
      throw new Refused("ah_sig is not base64url");
    }
    if (signature.length != SIGNATURE_BYTES) {
      throw new Refused("ah_sig is not an HMAC-SHA256 (" + signature.length + " bytes)");
    }
    return new Claim(prefix, Long.parseLong(exp), address, key, signature);
  }

  /**
   * Checks a claim against the request.
   *
   * @param requestTarget the request target as on the request line (origin or absolute form)
   * @param clientAddress the client's address as the host gives it
   * @param keys the valid keys by name
   * @throws Refused when expired, badly signed, or for another path or address
   */
  static void verify(
      Claim claim,
      String requestTarget,
      String clientAddress,
      Instant now,
      Map<String, byte[]> keys)
      throws Refused {
    byte[] secret = keys.get(claim.keyName());
    if (secret == null) {
      throw new Refused(
          "signed with key '" + shown(claim.keyName()) + "', which is not configured");
    }
    byte[] expected = mac(secret, message(claim.prefix(), claim.expires(), claim.address()));
    if (!MessageDigest.isEqual(expected, claim.signature())) {
      throw new Refused("bad signature (key '" + shown(claim.keyName()) + "')");
    }
    // Signed, so the claims are the platform's own: now check them against this request.
    if (now.getEpochSecond() >= claim.expires()) {
      throw new Refused("expired at " + Instant.ofEpochSecond(claim.expires()));
    }
    String path = path(requestTarget);
    if (path == null) {
      throw new Refused("the request path is not a clean absolute path");
    }
    if (!covers(claim.prefix(), path)) {
      // The prefix is the platform's, under a valid signature: shown whole up to a point.
      String prefix = claim.prefix();
      throw new Refused(
          "signed for "
              + (prefix.length() > 96 ? prefix.substring(0, 96) + "..." : prefix)
              + ", not for this path");
    }
    if (claim.address() != null) {
      InetAddress bound = literal(claim.address());
      InetAddress client = literal(clientAddress);
      if (client == null || !bound.equals(client)) {
        throw new Refused(
            "signed for client address " + claim.address() + ", not " + clientAddress);
      }
    }
  }

  /**
   * Whether a signature for {@code prefix} covers {@code path}: the same path, or one below it at a
   * segment boundary ({@code /vod/show} covers {@code /vod/show/a.ts}, never {@code
   * /vod/showcase/a.ts}).
   */
  static boolean covers(String prefix, String path) {
    if (!path.startsWith(prefix)) {
      return false;
    }
    return path.length() == prefix.length()
        || prefix.endsWith("/")
        || path.charAt(prefix.length()) == '/';
  }

  /** What is signed: {@code prefix \n expires \n address}, UTF-8. */
  static byte[] message(String prefix, long expires, String address) {
    return (prefix + "\n" + expires + "\n" + (address == null ? "" : address))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The {@code ah_sig} value for these claims. */
  static String signature(byte[] secret, String prefix, long expires, String address) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(mac(secret, message(prefix, expires, address)));
  }

  /** The five (or four) parameters of a URL signed with {@code keyName}, ready to append. */
  static String query(String keyName, byte[] secret, String prefix, long expires, String address) {
    return PREFIX
        + "="
        + encode(prefix)
        + "&"
        + EXPIRES
        + "="
        + expires
        + (address == null ? "" : "&" + ADDRESS + "=" + encode(address))
        + "&"
        + KEY
        + "="
        + keyName
        + "&"
        + SIGNATURE
        + "="
        + signature(secret, prefix, expires, address);
  }

  private static byte[] mac(byte[] secret, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  /**
   * The decoded path of a request target (origin form, or the absolute form of RTSP and proxies),
   * or null when it is not clean: a bad escape, not UTF-8, a control character, an encoded slash,
   * or a {@code .}/{@code ..} segment.
   */
  static String path(String requestTarget) {
    String t = requestTarget == null ? "" : requestTarget;
    if (!t.startsWith("/")) {
      int scheme = t.indexOf("://");
      if (scheme <= 0) {
        return null;
      }
      // The authority ends at the first '/', '?' or '#': a '/' in the query is not the path's.
      int end = t.length();
      for (char stop : new char[] {'/', '?', '#'}) {
        int at = t.indexOf(stop, scheme + 3);
        if (at >= 0 && at < end) {
          end = at;
        }
      }
      t = end == t.length() || t.charAt(end) != '/' ? "/" + t.substring(end) : t.substring(end);
    }
    int end = t.length();
    for (char stop : new char[] {'?', '#'}) {
      int at = t.indexOf(stop);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    String raw = t.substring(0, end);
    if (raw.contains("%2F") || raw.contains("%2f")) {
      return null;
    }
    String decoded = percentDecoded(raw);
    if (decoded == null || hasDotSegment(decoded)) {
      return null;
    }
    return decoded;
  }

  private static boolean hasDotSegment(String path) {
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private static String decode(String name, String raw) throws Refused {
    String decoded = percentDecoded(raw);
    if (decoded == null) {
      throw new Refused("parameter " + name + " is not percent-encoded UTF-8");
    }
    return decoded;
  }

  /** RFC 3986 percent-decoding to UTF-8 ({@code +} stays a plus); null when malformed. */
  static String percentDecoded(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x21 || c > 0x7e) {
        return null;
      } else {
        bytes.write(c);
      }
    }
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
      return s.chars().anyMatch(Character::isISOControl) ? null : s;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Percent-encodes a value for a query: all but RFC 3986 unreserved characters and {@code /}. */
  static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/:".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** An IP literal, never a name (no lookup); null for anything else. */
  static InetAddress literal(String text) {
    if (text == null
        || text.isEmpty()
        || text.length() > 45
        || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      return null;
    }
    if (text.indexOf(':') < 0 && !text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * A client's text, short and printable, for a reason: short enough that it can never carry a
   * signature or token into the audit (the contract kit checks that a reason repeats no 24
   * characters of what the client sent).
   */
  private static String shown(String text) {
    String cut = text.length() > 16 ? text.substring(0, 16) + "..." : text;
    StringBuilder out = new StringBuilder();
    cut.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? '?' : (char) c));
    return out.toString();
  }
}
