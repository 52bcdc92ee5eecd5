package org.authhost.plugins.digest;

import java.util.HexFormat;

/**
 * The Digest formulas of RFC 7616 §3.4 (and the RFC 2069 form RFC 2617 §3.2.2.1 kept), as pure
 * functions of hex strings, so that the published vectors test them directly.
 *
 * <p>Every {@code H(...)} value here is lower-case hex: the formulas concatenate the hex text of
 * inner hashes, never their raw octets. Each formula comes twice: on hex strings, as the RFCs print
 * them, and on octets through a {@link Hashing}, which the verifier uses (the host hands out HA1 as
 * octets); the first is the second with the hex decoded and encoded again, so the published vectors
 * test the code every request runs.
 */
final class DigestMath {
  /** The qop values of RFC 7616 §3.3. */
  static final String AUTH = "auth";

  static final String AUTH_INT = "auth-int";

  private static final HexFormat HEX = HexFormat.of();

  private DigestMath() {}

  /**
   * The HA1 the response formula uses: the stored {@code H(user:realm:password)} itself, or for a
   * {@code -sess} algorithm {@code H(HA1 ":" nonce ":" cnonce)} (RFC 7616 §3.4.2).
   */
  static String sessionHa1(
      DigestAlgorithm algorithm, String storedHa1Hex, String nonce, String cnonce) {
    return algorithm.session()
        ? HEX.formatHex(
            sessionHa1(Hashing.of(algorithm), algorithm, HEX.parseHex(storedHa1Hex), nonce, cnonce))
        : storedHa1Hex;
  }

  /** {@link #sessionHa1(DigestAlgorithm, String, String, String)} on octets. */
  static byte[] sessionHa1(
      Hashing h, DigestAlgorithm algorithm, byte[] storedHa1, String nonce, String cnonce) {
    return algorithm.session()
        ? h.hex(storedHa1).colon().text(nonce).colon().text(cnonce).digest()
        : storedHa1;
  }

  /**
   * {@code H(A2)}: {@code H(method ":" uri)}, or for {@code auth-int} {@code H(method ":" uri ":"
   * H(body))} (RFC 7616 §3.4.3).
   *
   * @param bodyHashHex {@code H(entity-body)} for {@code auth-int}; ignored otherwise
   */
  static String ha2(
      DigestAlgorithm algorithm, String qop, String method, String uri, String bodyHashHex) {
    return HEX.formatHex(ha2(Hashing.of(algorithm), qop, method, uri, bodyHashHex));
  }

  /** {@link #ha2(DigestAlgorithm, String, String, String, String)} as octets. */
  static byte[] ha2(Hashing h, String qop, String method, String uri, String bodyHashHex) {
    if (!AUTH_INT.equals(qop)) {
      return h.requestA2(method, uri);
    }
    return h.text(method).colon().text(uri).colon().text(bodyHashHex).digest();
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
    return HEX.formatHex(
        response(
                Hashing.of(algorithm),
                HEX.parseHex(ha1Hex),
                nonce,
                nc,
                cnonce,
                qop,
                HEX.parseHex(ha2Hex))
            .digest());
  }

  /**
   * {@link #response(DigestAlgorithm, String, String, String, String, String, String)} on octets:
   * the input written into {@code h}, which the caller digests (or compares).
   */
  static Hashing response(
      Hashing h, byte[] ha1, String nonce, String nc, String cnonce, String qop, byte[] ha2) {
    return responsePrefix(h, ha1, nonce, nc, cnonce, qop).hex(ha2);
  }

  /**
   * The response's input up to its HA2, written into {@code h}: all that the response and {@code
   * rspauth} share.
   */
  static Hashing responsePrefix(
      Hashing h, byte[] ha1, String nonce, String nc, String cnonce, String qop) {
    h.hex(ha1).colon().text(nonce).colon();
    if (qop != null) {
      h.text(nc).colon().text(cnonce).colon().text(qop).colon();
    }
    return h;
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
    // Its A2 has no method: "GET" only keys the thread's memory of A2s (Hashing#rspauthA2).
    return HEX.formatHex(
        rspauth(Hashing.of(algorithm), HEX.parseHex(ha1Hex), "GET", nonce, nc, cnonce, uri));
  }

  /**
   * {@link #rspauth(DigestAlgorithm, String, String, String, String, String)} on octets, as octets:
   * {@link Challenges#authenticationInfoOctets} writes their hex straight into the answer. {@code
   * method} is the request's, which the A2 of {@code rspauth} leaves out but the thread's memory of
   * A2s is keyed by.
   */
  static byte[] rspauth(
      Hashing h, byte[] ha1, String method, String nonce, String nc, String cnonce, String uri) {
    byte[] ha2 = h.rspauthA2(method, uri);
    return response(h, ha1, nonce, nc, cnonce, AUTH, ha2).digest();
  }
}
