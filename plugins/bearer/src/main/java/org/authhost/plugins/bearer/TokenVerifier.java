package org.authhost.plugins.bearer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.text.ParseException;
import java.time.Clock;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Checks one bearer token with Nimbus JOSE+JWT: the compact JWS form, an accepted algorithm (the
 * key selector only offers keys of that algorithm's type, so an HS256 header never meets an RSA key
 * as an HMAC secret), the signature against the provider's keys, {@code typ} ({@code JWT}, {@code
 * at+jwt} or none), {@code iss} exactly, one accepted {@code aud}, {@code exp} required and {@code
 * exp}/{@code nbf} on the host clock with the configured skew. Verified tokens are remembered until
 * they expire ({@link VerifiedTokens}).
 */
final class TokenVerifier {
  /** Longer than any token a provider issues; a longer header is not parsed at all. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  /** Longer than any key id a provider uses: such a kid is not looked up, let alone fetched. */
  static final int MAX_KID_LENGTH = 256;

  private static final Set<JOSEObjectType> TYPES =
      Set.of(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"));

  private final BearerSettings settings;
  private final ProviderKeys keys;
  private final VerifiedTokens verified;
  private final Clock clock;

  TokenVerifier(BearerSettings settings, ProviderKeys keys, VerifiedTokens verified, Clock clock) {
    this.settings = settings;
    this.keys = keys;
    this.verified = verified;
    this.clock = clock;
  }

  /**
   * The verdict on {@code token}: at once, or, when the provider's keys must be fetched first, once
   * {@code fetcher} has fetched them.
   */
  CompletableFuture<Verdict> check(String token, Executor fetcher) {
    VerifiedToken known = verified.get(token);
    if (known != null) {
      return CompletableFuture.completedFuture(stillValid(known));
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      return done(new Verdict.Invalid("the token is longer than " + MAX_TOKEN_LENGTH, false));
    }
    if (!isB64Token(token)) {
      return done(new Verdict.Invalid("the token is not in the b64token syntax (RFC 6750)", false));
    }
    SignedJWT jwt;
    JWSHeader header;
    try {
      jwt = SignedJWT.parse(token);
      header = jwt.getHeader();
    } catch (ParseException | RuntimeException e) {
      return done(new Verdict.Invalid("not a signed JWT", false));
    }
    JWSAlgorithm alg = header.getAlgorithm();
    if (!settings.algorithms().contains(alg)) {
      // The name is the client's: echoed only when it is a short standard-looking one, so a
      // header of kilobytes cannot blow up the challenge (nginx: "upstream sent too big header").
      String name = alg == null ? "" : alg.getName();
      return done(
          new Verdict.Invalid(
              name.matches("[A-Za-z0-9+-]{1,16}")
                  ? "the algorithm " + name + " is not accepted"
                  : "the token's algorithm is not accepted",
              false));
    }
    String kid = header.getKeyID();
    if (kid != null && kid.length() > MAX_KID_LENGTH) {
      return done(new Verdict.Invalid("the token's key id is too long", false));
    }
    if (keys.wantsFetch(kid)) {
      JWKSet atHand = keys.cached();
      if (atHand != null && kid != null && atHand.getKeyByKeyId(kid) != null) {
        // Only old: verified with the keys at hand while they are fetched again behind it, so
        // that no client waits on the provider every keysMaxAge.
        keys.refresh(fetcher);
        return done(verify(token, jwt, kid, atHand));
      }
      return keys.refresh(fetcher).thenApply(keySet -> verify(token, jwt, kid, keySet));
    }
    return done(verify(token, jwt, kid, keys.cached()));
  }

  private static CompletableFuture<Verdict> done(Verdict v) {
    return CompletableFuture.completedFuture(v);
  }

  private Verdict verify(String token, SignedJWT jwt, String kid, JWKSet keySet) {
    if (keySet == null) {
      return new Verdict.Unavailable(String.valueOf(keys.outage()));
    }
    if (kid != null && keySet.getKeyByKeyId(kid) == null) {
      return new Verdict.Invalid("the token's signing key is unknown", false);
    }
    JWTClaimsSet claims;
    try {
      claims = processor(keySet).process(jwt, null);
    } catch (ExpiredJWTException e) {
      return new Verdict.Expired("the token expired");
    } catch (BadJWSException e) {
      return new Verdict.Invalid("the signature is not right", true);
    } catch (BadJOSEException e) {
      return new Verdict.Invalid(describe(e), false);
    } catch (JOSEException | RuntimeException e) {
      return new Verdict.Invalid("the token cannot be verified", false);
    }
    VerifiedToken result = toVerified(claims);
    if (result == null) {
      return new Verdict.Invalid("the token has no subject", false);
    }
    verified.put(token, result);
    return new Verdict.Valid(result);
  }

  private Verdict stillValid(VerifiedToken token) {
    if (clock.instant().isAfter(token.expiresAt().plus(settings.clockSkew()))) {
      return new Verdict.Expired("the token expired");
    }
    return new Verdict.Valid(token);
  }

  private DefaultJWTProcessor<SecurityContext> processor(JWKSet keySet) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(typesWithNone()));
    p.setJWSKeySelector(
        new JWSVerificationKeySelector<>(settings.algorithms(), new ImmutableJWKSet<>(keySet)));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            settings.audiences(),
            new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
            Set.of("exp"),
            null) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    p.setJWTClaimsSetVerifier(claims);
    return p;
  }

  private static Set<JOSEObjectType> typesWithNone() {
    HashSet<JOSEObjectType> types = new HashSet<>(TYPES);
    types.add(null);
    return types;
  }

  private VerifiedToken toVerified(JWTClaimsSet claims) {
    String subject = claims.getSubject();
    if (subject == null) {
      subject = stringClaim(claims, "client_id");
    }
    if (subject == null || claims.getExpirationTime() == null) {
      return null;
    }
    return new VerifiedToken(
        claims.getIssuer(),
        subject,
        accountName(claims),
        listClaim(claims, settings.groupsClaim()),
        claims.getExpirationTime().toInstant());
  }

  /**
   * The account claim's value; an {@code email} only when {@code email_verified} is true (OIDC Core
   * §5.1: a provider may let users set an address they do not own).
   */
  private String accountName(JWTClaimsSet claims) {
    String name = stringClaim(claims, settings.accountClaim());
    if (settings.accountClaim().equals("email")
        && !Boolean.TRUE.equals(claims.getClaim("email_verified"))) {
      return null;
    }
    return name;
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    return value instanceof String s && !s.isBlank() ? s : null;
  }

  private static List<String> listClaim(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    if (value instanceof String s) { // e.g. scope: space separated
      return List.of(s.strip().split("\\s+"));
    }
    if (value instanceof Collection<?> c) {
      return c.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** What the client and the audit are told: the library's reason without token content. */
  private static String describe(BadJOSEException e) {
    String m = String.valueOf(e.getMessage());
    // Nimbus puts token values into some messages (an issuer containing "aud"): match the
    // library's own wording at the start, most specific first ("missing" contains "iss").
    if (m.contains("missing required claims")) {
      return "the token lacks a required claim (exp, iss, aud)";
    }
    if (m.startsWith("JWT aud") || m.contains("required aud")) {
      return "the token is not for this audience";
    }
    if (m.startsWith("JWT iss")) {
      return "the token's issuer is not accepted";
    }
    if (m.contains("before use time") || m.contains("nbf")) {
      return "the token is not valid yet";
    }
    if (m.contains("typ")) {
      return "the token's type is not accepted";
    }
    return "the token is not accepted";
  }

  /**
   * RFC 6750 §2.1: {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}.
   */
  static boolean isB64Token(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && isB64Char(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < n && s.charAt(i) == '=') {
      i++;
    }
    return i == n;
  }

  private static boolean isB64Char(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~'
        || c == '+'
        || c == '/';
  }
}
