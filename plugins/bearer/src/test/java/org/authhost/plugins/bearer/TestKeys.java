package org.authhost.plugins.bearer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A test provider's signing keys and the tokens they sign (the real provider is in the host's
 * tests).
 */
final class TestKeys {
  static final String ISSUER = "https://idp.test/realms/media";
  static final String AUDIENCE = "authhost";

  private TestKeys() {}

  static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final RSAKey FLOOD = rsa("flood");

  /** Another kid on one shared key: for floods of invented kids, without a key generation each. */
  static RSAKey rsaFast(String kid) {
    return new RSAKey.Builder(FLOOD).keyID(kid).build();
  }

  static JWKSet publicSet(RSAKey... keys) {
    return new JWKSet(List.of(keys)).toPublicJWKSet();
  }

  /** A token for alice in the group viewers, valid from {@code now} for 5 minutes. */
  static JWTClaimsSet.Builder claims(Instant now) {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("3f1c-alice")
        .claim("preferred_username", "alice")
        .claim("groups", List.of("viewers", "unmapped"))
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)));
  }

  static String sign(RSAKey key, JWTClaimsSet claims) {
    return sign(key, claims, h -> h);
  }

  static String sign(RSAKey key, JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              header
                  .apply(
                      new JWSHeader.Builder(JWSAlgorithm.RS256)
                          .keyID(key.getKeyID())
                          .type(new JOSEObjectType("at+jwt")))
                  .build(),
              claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The classic key-confusion forgery: HS256 with the RSA public key's encoding as the HMAC secret,
   * which a verifier that trusts the header's {@code alg} would accept.
   */
  static String hs256WithPublicKey(RSAKey key, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
