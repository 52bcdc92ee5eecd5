package org.authhost.plugins.digest;

/**
 * The Digest formulas of RFC 7616 §3.4 (and the RFC 2069 form RFC 2617 §3.2.2.1 kept), as pure
 * functions of hex strings, so that the published vectors test them directly.
 *
 * <p>Every {@code H(...)} value here is lower-case hex: the formulas concatenate the hex text of
 * inner hashes, never their raw octets. The host hands out HA1 as octets; convert it with {@link
 * java.util.HexFormat} before it gets here.
 */
final class DigestMath {
  /** The qop values of RFC 7616 §3.3. */
  static final String AUTH = "auth";

  static final String AUTH_INT = "auth-int";

  private DigestMath() {}

  /**
   * The HA1 the response formula uses: the stored {@code H(user:realm:password)} itself, or for a
   * {@code -sess} algorithm {@code H(HA1 ":" nonce ":" cnonce)} (RFC 7616 §3.4.2).
   */
  static String sessionHa1(
      DigestAlgorithm algorithm, String storedHa1Hex, String nonce, String cnonce) {
    return algorithm.session()
        ? algorithm.hash(storedHa1Hex + ":" + nonce + ":" + cnonce)
        : storedHa1Hex;
  }

  /**
   * {@code H(A2)}: {@code H(method ":" uri)}, or for {@code auth-int} {@code H(method ":" uri ":"
   * H(body))} (RFC 7616 §3.4.3).
   *
   * @param bodyHashHex {@code H(entity-body)} for {@code auth-int}; ignored otherwise
   */
  static String ha2(
      DigestAlgorithm algorithm, String qop, String method, String uri, String bodyHashHex) {
    String a2 = AUTH_INT.equals(qop) ? method + ":" + uri + ":" + bodyHashHex : method + ":" + uri;
    return algorithm.hash(a2);
  }

  /**
   * The {@code response}: {@code KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2)} (RFC 7616
   * §3.4.1), or, when {@code qop} is {@code null}, the RFC 2069 form {@code KD(HA1, nonce ":"
   * HA2)}.
   *
   * @param ha1Hex the HA1 from {@link #sessionHa1}
   */
  static String response(
      DigestAlgorithm algorithm,
      String ha1Hex,
      String nonce,
      String nc,
      String cnonce,
      String qop,
      String ha2Hex) {
    if (qop == null) {
      return algorithm.hash(ha1Hex + ":" + nonce + ":" + ha2Hex);
    }
    return algorithm.hash(
        ha1Hex + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2Hex);
  }

  /**
   * The {@code rspauth} of {@code Authentication-Info} for {@code qop=auth}: the response with an
   * empty method, {@code A2 = ":" uri} (RFC 7616 §3.5), proving the server knows the secret too.
   */
  static String rspauth(
      DigestAlgorithm algorithm,
      String ha1Hex,
      String nonce,
      String nc,
      String cnonce,
      String uri) {
    return response(algorithm, ha1Hex, nonce, nc, cnonce, AUTH, algorithm.hash(":" + uri));
  }
}
