package org.authhost.plugins.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The six Digest algorithms of the IANA registry (RFC 7616 §6.1) and the hash each one uses.
 *
 * <p>A {@code -sess} algorithm shares its base algorithm's stored secret: the host keeps one HA1
 * per base algorithm, and the session key {@code H(HA1 ":" nonce ":" cnonce)} is made per request
 * (RFC 7616 §3.4.2).
 */
enum DigestAlgorithm {
  MD5("MD5", "MD5", false),
  MD5_SESS("MD5-sess", "MD5", true),
  SHA_256("SHA-256", "SHA-256", false),
  SHA_256_SESS("SHA-256-sess", "SHA-256", true),
  // JCA's "SHA-512/256" is FIPS 180-4 SHA-512/256 with its own initial values: the correct one.
  // RFC 7616 §3.9.2 printed values made with truncated SHA-512 (erratum 4897).
  SHA_512_256("SHA-512-256", "SHA-512/256", false),
  SHA_512_256_SESS("SHA-512-256-sess", "SHA-512/256", true);

  /** How many digest objects a thread keeps ({@link Hashing}): one per base algorithm. */
  static final int DIGEST_SLOTS = 3;

  private final String token;
  private final String jcaName;
  private final boolean session;

  DigestAlgorithm(String token, String jcaName, boolean session) {
    this.token = token;
    this.jcaName = jcaName;
    this.session = session;
  }

  /** {@link #values()}, which copies its array at every call. */
  private static final DigestAlgorithm[] ALL = values();

  /** The algorithm with this token, compared case-insensitively as RFC 7616 §3.3 asks. */
  static Optional<DigestAlgorithm> forToken(String token) {
    return Optional.ofNullable(named(token));
  }

  /** {@link #forToken}, or null. */
  static DigestAlgorithm named(String token) {
    for (DigestAlgorithm a : ALL) {
      if (a.token.equalsIgnoreCase(token)) {
        return a;
      }
    }
    return null;
  }

  /**
   * The token of the algorithm that {@code text[from, to)} names (in any case, one char per octet),
   * as this enum spells it; null when it names none.
   */
  static String token(byte[] text, int from, int to) {
    for (DigestAlgorithm a : ALL) {
      if (DigestParams.sameIgnoringCase(text, from, to, a.token)) {
        return a.token;
      }
    }
    return null;
  }

  /** The name on the wire, e.g. {@code SHA-256-sess}. */
  String token() {
    return token;
  }

  /** Whether this is a {@code -sess} variant. */
  boolean session() {
    return session;
  }

  /**
   * The base algorithm's name, as {@link org.authhost.api.CredentialService} keeps secrets under
   * it.
   */
  String baseToken() {
    return session ? token.substring(0, token.length() - "-sess".length()) : token;
  }

  /**
   * {@code H(text)} as lower-case hex. Every Digest input is hashed as the exact octets the client
   * sent, which the plug-in holds as ISO-8859-1 text (one char per octet); see {@link
   * DigestParams}.
   */
  String hash(String text) {
    return Hashing.of(this).text(text).digestHex();
  }

  /** {@code H(octets)} as lower-case hex. */
  String hash(byte[] octets) {
    return Hashing.of(this).octets(octets).digestHex();
  }

  /** The length of {@code H(...)} in hex digits: 32 for MD5, 64 for the others. */
  int hexLength() {
    return jcaName.equals("MD5") ? 32 : 64;
  }

  /**
   * Where a thread keeps this algorithm's digest object ({@link Hashing}): one per base algorithm.
   */
  int digestSlot() {
    return switch (this) {
      case MD5, MD5_SESS -> 0;
      case SHA_256, SHA_256_SESS -> 1;
      case SHA_512_256, SHA_512_256_SESS -> 2;
    };
  }

  MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      // Every Java 17 runtime has MD5, SHA-256 and SHA-512/256 (JCA standard names).
      throw new IllegalStateException("the JDK lacks " + jcaName, e);
    }
  }

  @Override
  public String toString() {
    return token;
  }
}
