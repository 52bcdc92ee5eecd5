package org.authhost.plugins.bearer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;

/**
 * Coverage-guided fuzzing of the bearer token a client sends (the {@code Authorization} value after
 * {@code "Bearer "}): through the plug-in's real context and verifier, and through the key cache
 * against a provider that counts its fetches.
 *
 * <p>The oracle: client bytes are answered DENIED (CONTINUE for none), never ERROR, a failure or an
 * exception, exactly one callback, a challenge that is a valid header value; SUCCESS only for the
 * one token the test key signed; and no input makes the key cache fetch more than once (the clock
 * stands still, the refetch interval is 30 s: a {@code kid} flood is no fetch storm). Seeds: {@code
 * src/test/resources/.../BearerFuzzTestInputs/}.
 */
class BearerFuzzTest {
  static final StepClock CLOCK = new StepClock();
  static final RSAKey KEY = TestKeys.rsa("k1");
  static final String GOOD = TestKeys.sign(KEY, TestKeys.claims(CLOCK.instant()).build());
  static final BearerPlugin PLUGIN = plugin();

  static BearerPlugin plugin() {
    BearerPlugin p = new BearerPlugin();
    p.initialize(new FakeServer(CLOCK), TestValues.of("jwks", TestKeys.publicSet(KEY).toString()));
    return p;
  }

  @FuzzTest(maxDuration = "")
  void tokens(byte[] blob) throws Exception {
    Exchange r = Exchange.run(PLUGIN, blob, new FakeServer.Client());
    assertTrue(
        r.hr().equals(HResult.S_OK) || r.hr().equals(HResult.S_FALSE), String.valueOf(r.hr()));
    assertEquals(1, r.results().size(), "the callback runs exactly once");
    String text = new String(blob, StandardCharsets.ISO_8859_1).strip();
    if (blob.length == 0) {
      assertEquals(AuthenticationResult.CONTINUE, r.result());
    } else if (text.equals(GOOD)) {
      assertEquals(AuthenticationResult.SUCCESS, r.result());
    } else {
      assertEquals(AuthenticationResult.DENIED, r.result(), "garbage must be DENIED");
    }
    if (r.challenge() != null) {
      assertTrue(
          r.challenge().chars().allMatch(c -> c >= 0x20 && c < 0x7F),
          "a header value: " + r.challenge());
    }

    // The same bytes against a provider that is asked for keys: at most one fetch, ever.
    int[] fetches = {0};
    JWKSet served = TestKeys.publicSet(KEY);
    KeySource counting =
        new KeySource() {
          @Override
          public JWKSet fetch() throws IOException {
            fetches[0]++;
            return served;
          }

          @Override
          public String describe() {
            return "counting";
          }
        };
    BearerSettings s = BearerSettings.read(TestValues.of());
    ProviderKeys keys =
        new ProviderKeys(
            counting,
            CLOCK,
            s.keysMaxAge(),
            Duration.ofSeconds(30),
            new ProviderKeys.Events() {
              @Override
              public void error(String t) {}

              @Override
              public void warning(String t) {}

              @Override
              public void information(String t) {}
            });
    TokenVerifier v = new TokenVerifier(s, keys, new VerifiedTokens(10, CLOCK), CLOCK);
    for (int i = 0; i < 3; i++) {
      v.check(text, Runnable::run).join();
    }
    assertTrue(fetches[0] <= 1, "fetches: " + fetches[0]);
  }
}
