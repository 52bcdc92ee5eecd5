package org.authhost.plugins.digest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A client's Digest response (RFC 7616 §3.4), checked for form but not yet against the server's
 * state: every field is present when the protocol needs it and well-formed, and the fields agree
 * with each other. Whether they match what this server offered is {@link DigestVerifier}'s job.
 *
 * <p>Values that enter the response formula ({@code nonce}, {@code uri}, {@code nc}, {@code
 * cnonce}, {@code qop}) are kept exactly as sent, because the client hashed them as sent.
 *
 * @param username the user name (UTF-8 decoded, NFC), or with {@code userhash} the lower-case hex
 *     {@code H(user ":" realm)}
 * @param userhash whether {@code username} is a hash (RFC 7616 §3.4.4)
 * @param realm the realm the client answers for
 * @param nonce the server nonce it uses
 * @param uri the {@code uri} (digest-uri) it hashed
 * @param response the lower-case hex response
 * @param algorithm the algorithm; {@link DigestAlgorithm#MD5} when the parameter is absent
 * @param qop {@code auth}, {@code auth-int}, or {@code null} for the RFC 2069 form
 * @param nc the nonce count as sent (8 hex digits), {@code null} without qop
 * @param ncValue the nonce count's value, 0 without qop
 * @param cnonce the client nonce, {@code null} without qop
 * @param opaque the echoed {@code opaque}, or {@code null}
 */
record DigestCredentials(
    String username,
    boolean userhash,
    String realm,
    String nonce,
    String uri,
    String response,
    DigestAlgorithm algorithm,
    String qop,
    String nc,
    long ncValue,
    String cnonce,
    String opaque) {

  /** Reads the header text (after {@code "Digest "}, one char per octet). */
  static DigestCredentials parse(String headerText) throws Malformed {
    return parse(headerText.getBytes(StandardCharsets.ISO_8859_1), null, null);
  }

  /**
   * Reads the header's octets (after {@code "Digest "}).
   *
   * @param realm this server's realm, or null: a {@code realm} equal to it is this string, not a
   *     copy
   * @param opaque this server's {@code opaque}, or null: likewise
   */
  static DigestCredentials parse(byte[] header, String realm, String opaque) throws Malformed {
    Fields p = new Fields(realm, opaque);
    DigestParams.read(header, p);
    return from(p);
  }

  /**
   * The parameters this plug-in reads, kept in fields as {@link DigestParams} reads them: every
   * request's header is parsed, and a map of its ten or so parameters cost more than the rest of
   * the parse. Names compare case-insensitively; an unknown one is kept only to refuse it twice. A
   * value that is one of the few this server expects (its realm and opaque, a qop, an algorithm, a
   * userhash flag) is compared in place and given as that constant: only the values that differ per
   * request become strings.
   */
  private static final class Fields implements DigestParams.Sink {
    private static final String[] NAMES = {
      "username",
      "username*",
      "realm",
      "nonce",
      "uri",
      "response",
      "algorithm",
      "qop",
      "nc",
      "cnonce",
      "opaque",
      "userhash"
    };
    private static final int USERNAME = 0;
    private static final int USERNAME_EXT = 1;
    private static final int REALM = 2;
    private static final int NONCE = 3;
    private static final int URI = 4;
    private static final int RESPONSE = 5;
    private static final int ALGORITHM = 6;
    private static final int QOP = 7;
    private static final int NC = 8;
    private static final int CNONCE = 9;
    private static final int OPAQUE = 10;
    private static final int USERHASH = 11;

    /** {@link #NAMES} as octets: clients send them in lower case, compared as such first. */
    private static final byte[][] NAME_OCTETS = new byte[NAMES.length][];

    static {
      for (int i = 0; i < NAMES.length; i++) {
        NAME_OCTETS[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
      }
    }

    private static final String[] QOPS = {DigestMath.AUTH, DigestMath.AUTH_INT};
    private static final String[] FLAGS = {"true", "false"};

    private final String[] values = new String[NAMES.length];
    private final String realm;
    private final String opaque;
    private Set<String> others;

    Fields(String realm, String opaque) {
      this.realm = realm;
      this.opaque = opaque;
    }

    @Override
    public boolean parameter(
        byte[] text, int nameStart, int nameEnd, int valueStart, int valueEnd, String unescaped) {
      int i = candidate(text, nameStart, nameEnd - nameStart);
      // The length is the name's (candidate): a case-sensitive comparison (an intrinsic) finds
      // the usual lower-case names; any other case is still one of ours.
      if (i >= 0
          && (Arrays.equals(text, nameStart, nameEnd, NAME_OCTETS[i], 0, NAME_OCTETS[i].length)
              || DigestParams.sameIgnoringCase(text, nameStart, nameEnd, NAMES[i]))) {
        if (values[i] != null) {
          return false;
        }
        values[i] = unescaped != null ? unescaped : value(i, text, valueStart, valueEnd);
        return true;
      }
      if (others == null) {
        others = new HashSet<>();
      }
      return others.add(DigestParams.lowerCase(DigestParams.latin1(text, nameStart, nameEnd)));
    }

    /** The value of parameter {@code i}: a constant it equals, else its text. */
    private String value(int i, byte[] text, int from, int to) {
      String known =
          switch (i) {
            case REALM -> realm != null && DigestParams.same(text, from, to, realm) ? realm : null;
            case OPAQUE ->
                opaque != null && DigestParams.same(text, from, to, opaque) ? opaque : null;
            // Hashed as sent: the same octets only.
            case QOP -> constant(text, from, to, QOPS, false);
            // Read case-insensitively, never hashed or echoed: the canonical spelling will do.
            case ALGORITHM -> DigestAlgorithm.token(text, from, to);
            case USERHASH -> constant(text, from, to, FLAGS, true);
            default -> null;
          };
      return known != null ? known : DigestParams.latin1(text, from, to);
    }

    private static String constant(
        byte[] text, int from, int to, String[] constants, boolean ignoreCase) {
      for (String c : constants) {
        if (DigestParams.same(text, from, to, c, ignoreCase)) {
          return c;
        }
      }
      return null;
    }

    /**
     * The only name of ours that a name of this length and first letter (in lower case) can be, or
     * -1: one look instead of a comparison with each of the twelve names, for each parameter of
     * each request.
     */
    private static int candidate(byte[] text, int nameStart, int length) {
      int first = text[nameStart] | 0x20;
      return switch (length) {
        case 2 -> first == 'n' ? NC : -1;
        case 3 -> first == 'u' ? URI : first == 'q' ? QOP : -1;
        case 5 -> first == 'r' ? REALM : first == 'n' ? NONCE : -1;
        case 6 -> first == 'c' ? CNONCE : first == 'o' ? OPAQUE : -1;
        case 8 ->
            first == 'r'
                ? RESPONSE
                : first != 'u' ? -1 : (text[nameStart + 4] | 0x20) == 'h' ? USERHASH : USERNAME;
        case 9 -> first == 'a' ? ALGORITHM : first == 'u' ? USERNAME_EXT : -1;
        default -> -1;
      };
    }

    String get(int name) {
      return values[name];
    }
  }

  /** Checks the parameters {@link DigestParams} read. */
  private static DigestCredentials from(Fields p) throws Malformed {
    DigestAlgorithm algorithm = DigestAlgorithm.MD5; // RFC 7616 §3.4: absent means MD5
    String algorithmToken = p.get(Fields.ALGORITHM);
    if (algorithmToken != null) {
      algorithm = DigestAlgorithm.named(algorithmToken);
      if (algorithm == null) {
        throw new Malformed("unknown algorithm '" + algorithmToken + "'");
      }
    }
    boolean userhash = flag(p.get(Fields.USERHASH), "userhash");
    String username = username(p, userhash, algorithm);
    String realm = required(p.get(Fields.REALM), "realm", true);
    String nonce = required(p.get(Fields.NONCE), "nonce", false);
    String uri = required(p.get(Fields.URI), "uri", false);
    String response =
        hex(required(p.get(Fields.RESPONSE), "response", false), algorithm, "response");
    String qop = p.get(Fields.QOP);
    String nc = p.get(Fields.NC);
    String cnonce = p.get(Fields.CNONCE);
    long ncValue = 0;
    if (qop != null) {
      if (!qop.equals(DigestMath.AUTH) && !qop.equals(DigestMath.AUTH_INT)) {
        throw new Malformed("unknown qop '" + qop + "' (expected auth or auth-int)");
      }
      ncValue = nonceCount(nc);
      if (cnonce == null || cnonce.isEmpty()) {
        throw new Malformed("qop=" + qop + " without a cnonce");
      }
    } else {
      // RFC 2617 §3.2.2: without qop the client MUST NOT send cnonce or nc (the RFC 2069 form).
      if (nc != null || cnonce != null) {
        throw new Malformed((nc != null ? "nc" : "cnonce") + " without qop");
      }
      if (algorithm.session()) {
        throw new Malformed(
            "algorithm " + algorithm + " without qop: a session key needs a cnonce");
      }
    }
    return new DigestCredentials(
        username,
        userhash,
        realm,
        nonce,
        uri,
        response,
        algorithm,
        qop,
        nc,
        ncValue,
        cnonce,
        p.get(Fields.OPAQUE));
  }

  /** {@code username}, or {@code username*} (RFC 8187 ext-value), never both (RFC 7616 §3.4). */
  private static String username(Fields p, boolean userhash, DigestAlgorithm algorithm)
      throws Malformed {
    String plain = p.get(Fields.USERNAME);
    String extended = p.get(Fields.USERNAME_EXT);
    if (plain != null && extended != null) {
      throw new Malformed("both username and username*");
    }
    if (plain == null && extended == null) {
      throw new Malformed("no username");
    }
    if (userhash) {
      if (extended != null) {
        throw new Malformed("userhash=true with username*: a hashed name is plain hex");
      }
      return hex(plain, algorithm, "userhash username");
    }
    String name;
    if (extended == null && isAscii(plain)) {
      name = plain; // ASCII is its own UTF-8 and already NFC: no decoder, no normalizer
    } else {
      name = extended != null ? extValue(extended) : utf8(latin1Octets(plain), "username");
      name = Normalizer.normalize(name, Normalizer.Form.NFC); // RFC 7613 UsernameCasePreserved
    }
    if (name.isEmpty()) {
      throw new Malformed("empty username");
    }
    if (hasControl(name)) {
      throw new Malformed("username contains a control character");
    }
    return name;
  }

  /** RFC 8187 §3.2: {@code charset "'" [language] "'" value-chars}; only UTF-8 is accepted. */
  static String extValue(String value) throws Malformed {
    int first = value.indexOf('\'');
    int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0) {
      throw new Malformed("username* is not charset'language'value");
    }
    String charset = value.substring(0, first);
    if (!charset.equalsIgnoreCase("UTF-8")) {
      throw new Malformed("username* uses charset '" + charset + "' (only UTF-8 is accepted)");
    }
    ByteArrayOutputStream octets = new ByteArrayOutputStream();
    for (int i = second + 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        int hi = i + 2 < value.length() ? hexDigit(value.charAt(i + 1)) : -1;
        int lo = hi < 0 ? -1 : hexDigit(value.charAt(i + 2));
        if (lo < 0) {
          throw new Malformed("username* has a bad percent-encoding at position " + i);
        }
        octets.write(hi << 4 | lo);
        i += 2;
      } else if (c > 0x20 && c < 0x7F) {
        octets.write(c);
      } else {
        throw new Malformed(
            "username* contains a character that must be percent-encoded at position " + i);
      }
    }
    return utf8(octets.toByteArray(), "username*");
  }

  private static long nonceCount(String nc) throws Malformed {
    // RFC 7616 §3.4: exactly 8 hex digits. Upper case is tolerated; the value is hashed as sent.
    if (nc == null) {
      throw new Malformed("qop without nc");
    }
    long value = nc.length() == 8 ? 0 : -1;
    for (int i = 0; i < nc.length() && value >= 0; i++) {
      int digit = hexDigit(nc.charAt(i));
      value = digit < 0 ? -1 : value << 4 | digit;
    }
    if (value < 0) {
      throw new Malformed("nc '" + nc + "' is not 8 hex digits");
    }
    if (value == 0) {
      throw new Malformed("nc 00000000: the count starts at 1");
    }
    return value;
  }

  private static String required(String value, String name, boolean mayBeEmpty) throws Malformed {
    if (value == null) {
      throw new Malformed("no " + name);
    }
    if (value.isEmpty() && !mayBeEmpty) {
      throw new Malformed("empty " + name);
    }
    return value;
  }

  private static boolean flag(String value, String name) throws Malformed {
    if (value == null || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw new Malformed(name + " is '" + value + "' (expected true or false)");
  }

  /** A hash the client sent: hex of the algorithm's length, returned in lower case. */
  private static String hex(String value, DigestAlgorithm algorithm, String what) throws Malformed {
    boolean valid = value.length() == algorithm.hexLength();
    boolean upper = false;
    // One pass: lower-case digits pass at once; lower-cased only when an upper-case one came.
    for (int i = 0; i < value.length() && valid; i++) {
      char c = value.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        upper = true;
        valid = c >= 'A' && c <= 'F';
      }
    }
    if (!valid) {
      throw new Malformed(
          what + " is not " + algorithm.hexLength() + " hex digits (algorithm " + algorithm + ")");
    }
    return upper ? value.toLowerCase(Locale.ROOT) : value;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** ASCII hex only: {@link Character#digit} would also take other scripts' digits. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private static byte[] latin1Octets(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * The challenge says {@code charset=UTF-8}; the host's HA1 is of the UTF-8 name, so nothing else
   * can match.
   */
  private static String utf8(byte[] octets, String what) throws Malformed {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(octets))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Malformed(what + " is not UTF-8");
    }
  }

  @Override
  public String toString() {
    return "DigestCredentials[" + username + ", " + algorithm + ", qop=" + qop + ", nc=" + nc + "]";
  }
}
