package org.authhost.plugins.bearer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The verifier with real signatures (Nimbus signs, as a provider does) and a key source that counts
 * its fetches, on a clock that moves only when told.
 */
class TokenVerifierTest {
  final StepClock clock = new StepClock();
  final RSAKey key1 = TestKeys.rsa("k1");
  final RSAKey key2 = TestKeys.rsa("k2");
  final List<String> errors = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  final List<String> informations = new ArrayList<>();

  /** What the provider serves now; null: unreachable. */
  volatile JWKSet served = TestKeys.publicSet(key1);

  int fetches;

  final KeySource source =
      new KeySource() {
        @Override
        public JWKSet fetch() throws IOException {
          fetches++;
          if (served == null) {
            throw new IOException("Connection refused");
          }
          return served;
        }

        @Override
        public String describe() {
          return "http://idp.test/jwks";
        }
      };

  TokenVerifier verifier(String... settings) {
    BearerSettings s = BearerSettings.read(TestValues.of(settings));
    ProviderKeys keys =
        new ProviderKeys(
            source,
            clock,
            s.keysMaxAge(),
            s.refetchInterval(),
            new ProviderKeys.Events() {
              @Override
              public void error(String text) {
                errors.add(text);
              }

              @Override
              public void warning(String text) {
                warnings.add(text);
              }

              @Override
              public void information(String text) {
                informations.add(text);
              }
            });
    return new TokenVerifier(s, keys, new VerifiedTokens(s.maxCachedTokens(), clock), clock);
  }

  /** The verdict, with fetches run on the calling thread (the plug-in runs them on its own). */
  static Verdict check(TokenVerifier v, String token) {
    return v.check(token, Runnable::run).join();
  }

  String good() {
    return TestKeys.sign(key1, TestKeys.claims(clock.instant()).build());
  }

  @Test
  void aProviderSignedTokenIsValidAndItsSignatureIsCheckedOnce() {
    TokenVerifier v = verifier();
    String token = good();
    Verdict first = check(v, token);
    VerifiedToken t = assertInstanceOf(Verdict.Valid.class, first).token();
    assertEquals("alice", t.name());
    assertEquals("3f1c-alice", t.subject());
    assertEquals(List.of("viewers", "unmapped"), t.groups());
    assertEquals(1, fetches);
    served = null; // the cached verdict needs neither keys nor provider
    assertInstanceOf(Verdict.Valid.class, check(v, token));
    assertEquals(1, fetches);
  }

  @Test
  void anExpiredTokenIsExpiredAfterTheSkewAlsoWhenItWasVerifiedBefore() {
    TokenVerifier v = verifier("clockSkewSeconds", "30");
    String token = good();
    assertInstanceOf(Verdict.Valid.class, check(v, token));
    clock.advance(Duration.ofSeconds(300 + 29));
    assertInstanceOf(Verdict.Valid.class, check(v, token), "within the skew");
    clock.advance(Duration.ofSeconds(2));
    assertInstanceOf(Verdict.Expired.class, check(v, token));
    // Never seen before and already expired: the library's check, same answer.
    TokenVerifier fresh = verifier("clockSkewSeconds", "30");
    assertInstanceOf(Verdict.Expired.class, check(fresh, token));
  }

  @Test
  void wrongAudienceIssuerOrNotYetValidAreRefusedAsNoGuess() {
    TokenVerifier v = verifier();
    var now = clock.instant();
    Verdict aud = check(v, TestKeys.sign(key1, TestKeys.claims(now).audience("other").build()));
    assertEquals(new Verdict.Invalid("the token is not for this audience", false), aud);
    Verdict iss =
        check(v, TestKeys.sign(key1, TestKeys.claims(now).issuer("https://evil.test").build()));
    assertEquals(new Verdict.Invalid("the token's issuer is not accepted", false), iss);
    Verdict nbf =
        check(
            v,
            TestKeys.sign(
                key1, TestKeys.claims(now).notBeforeTime(Date.from(now.plusSeconds(600))).build()));
    assertEquals(new Verdict.Invalid("the token is not valid yet", false), nbf);
    Verdict noExp =
        check(v, TestKeys.sign(key1, TestKeys.claims(now).expirationTime(null).build()));
    assertEquals(
        new Verdict.Invalid("the token lacks a required claim (exp, iss, aud)", false), noExp);
    Verdict noAud =
        check(v, TestKeys.sign(key1, TestKeys.claims(now).audience((String) null).build()));
    assertEquals(new Verdict.Invalid("the token is not for this audience", false), noAud);
    Verdict audIssuer =
        check(
            v,
            TestKeys.sign(key1, TestKeys.claims(now).issuer("https://audio.example/aud").build()));
    assertEquals(
        new Verdict.Invalid("the token's issuer is not accepted", false),
        audIssuer,
        "an issuer value holding 'aud' is still an issuer problem");
  }

  @Test
  void aForgedSignatureIsAGuessAndNeverValid() {
    TokenVerifier v = verifier();
    RSAKey impostor = TestKeys.rsa("k1"); // same kid, another key
    Verdict forged = check(v, TestKeys.sign(impostor, TestKeys.claims(clock.instant()).build()));
    assertEquals(new Verdict.Invalid("the signature is not right", true), forged);
  }

  @Test
  void aHugeInventedAlgorithmIsNotEchoed() {
    TokenVerifier v = verifier();
    var claims = TestKeys.claims(clock.instant()).build();
    String huge =
        Base64URL.encode(
                ("{\"alg\":\"" + "X".repeat(12000) + "\"}").getBytes(StandardCharsets.UTF_8))
            + "."
            + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8))
            + ".c2ln";
    Verdict verdict = check(v, huge);
    assertEquals(new Verdict.Invalid("the token's algorithm is not accepted", false), verdict);
  }

  @Test
  void algNoneAndHs256WithThePublicKeyAreRefused() {
    TokenVerifier v = verifier();
    var claims = TestKeys.claims(clock.instant()).build();
    String none =
        Base64URL.encode("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8))
            + ".";
    assertEquals(new Verdict.Invalid("not a signed JWT", false), check(v, none));
    assertEquals(
        new Verdict.Invalid("the algorithm HS256 is not accepted", false),
        check(v, TestKeys.hs256WithPublicKey(key1, claims)));
    // Even an operator who lists HS256 cannot: the settings refuse it.
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> verifier("algorithms", "RS256,HS256"));
    assertTrue(e.getMessage().contains("properties.algorithms"), e.getMessage());
    assertTrue(
        BearerSettings.read(TestValues.of()).algorithms().stream()
            .noneMatch(a -> JWSAlgorithm.Family.HMAC_SHA.contains(a)));
  }

  @Test
  void malformedTokensAreRefusedWithoutAFetch() {
    TokenVerifier v = verifier();
    String good = good();
    String[] parts = good.split("\\.");
    List<String> bad =
        List.of(
            "not-a-jwt",
            parts[0] + "." + parts[1],
            good + ".extra",
            "!!!." + parts[1] + "." + parts[2],
            parts[0] + ".***." + parts[2],
            "a b",
            "x".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1),
            Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"" + "k".repeat(9000) + "\"}")
                + "."
                + parts[1]
                + "."
                + parts[2]);
    for (String token : bad) {
      Verdict verdict = check(v, token);
      assertInstanceOf(Verdict.Invalid.class, verdict, token);
      assertEquals(false, ((Verdict.Invalid) verdict).guess(), token);
    }
    assertEquals(0, fetches, "malformed tokens never reach the provider");
  }

  @Test
  void aKidFloodFetchesAtMostOncePerInterval() {
    TokenVerifier v = verifier("refetchIntervalSeconds", "30");
    assertInstanceOf(Verdict.Valid.class, check(v, good()));
    assertEquals(1, fetches);
    for (int i = 0; i < 500; i++) {
      RSAKey unknown = TestKeys.rsaFast("kid-" + UUID.randomUUID());
      assertEquals(
          new Verdict.Invalid("the token's signing key is unknown", false),
          check(v, TestKeys.sign(unknown, TestKeys.claims(clock.instant()).build())));
    }
    assertEquals(1, fetches, "within the interval of the first fetch: none");
    clock.advance(Duration.ofSeconds(30));
    check(v, TestKeys.sign(TestKeys.rsaFast("kid-late"), TestKeys.claims(clock.instant()).build()));
    assertEquals(2, fetches, "after the interval, one more");
  }

  @Test
  void aRotatedKeyIsFetchedOnItsFirstToken() {
    TokenVerifier v = verifier("refetchIntervalSeconds", "30");
    assertInstanceOf(Verdict.Valid.class, check(v, good()));
    clock.advance(Duration.ofSeconds(31));
    served = TestKeys.publicSet(key2, key1); // the provider rotated: k2 signs from now on
    String rotated = TestKeys.sign(key2, TestKeys.claims(clock.instant()).build());
    assertInstanceOf(Verdict.Valid.class, check(v, rotated));
    assertEquals(2, fetches);
    assertInstanceOf(Verdict.Valid.class, check(v, good()), "the old key still verifies");
  }

  @Test
  void withoutKeysEveryTokenIsUnavailableWithOneErrorAndItRecoversByItself() {
    served = null;
    TokenVerifier v = verifier("refetchIntervalSeconds", "10");
    for (int i = 0; i < 20; i++) {
      assertInstanceOf(Verdict.Unavailable.class, check(v, good()));
    }
    assertEquals(1, fetches, "no fetch storm while the provider is down");
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("Connection refused"), errors.get(0));
    assertTrue(warnings.isEmpty(), "fail closed is an ERROR, not a WARNING: " + warnings);
    clock.advance(Duration.ofSeconds(10));
    assertInstanceOf(Verdict.Unavailable.class, check(v, good()));
    assertEquals(1, errors.size(), "still the same outage: no second event");
    served = TestKeys.publicSet(key1);
    clock.advance(Duration.ofSeconds(10));
    assertInstanceOf(Verdict.Valid.class, check(v, good()));
    assertEquals(1, informations.size(), informations.toString());
  }

  @Test
  void aKnownKeyPastItsMaxAgeVerifiesAtOnceWhileTheKeysAreFetchedBehindIt() {
    TokenVerifier v = verifier("keysMaxAgeSeconds", "60", "refetchIntervalSeconds", "10");
    assertInstanceOf(Verdict.Valid.class, check(v, good()));
    clock.advance(Duration.ofSeconds(61));
    List<Runnable> queued = new ArrayList<>();
    var verdict = v.check(good(), queued::add); // a fetch thread that has not run yet
    assertTrue(verdict.isDone(), "no client waits on the provider for a kid it knows");
    assertInstanceOf(Verdict.Valid.class, verdict.join());
    assertEquals(1, queued.size(), "the keys are fetched again behind it");
  }

  @Test
  void keysFetchedBeforeAnOutageStayInUse() {
    TokenVerifier v = verifier("keysMaxAgeSeconds", "60", "refetchIntervalSeconds", "10");
    assertInstanceOf(Verdict.Valid.class, check(v, good()));
    served = null;
    clock.advance(Duration.ofSeconds(61));
    assertInstanceOf(Verdict.Valid.class, check(v, good()), "old keys, provider down");
    assertEquals(2, fetches);
    assertEquals(1, warnings.size());
    assertTrue(errors.isEmpty(), "the old keys still verify: a WARNING, no ERROR");
  }
}
