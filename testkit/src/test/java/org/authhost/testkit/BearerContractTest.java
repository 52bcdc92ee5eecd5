package org.authhost.testkit;

import static org.authhost.testkit.Builtins.PASSWORD;
import static org.authhost.testkit.Builtins.assertOutcome;
import static org.authhost.testkit.Builtins.builtin;
import static org.authhost.testkit.Builtins.quick;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in Bearer plug-in through the published kit, with its keys given inline ({@code jwks})
 * and a JWT signed here with the JDK alone, as a provider would sign it: the success path logs on
 * the account its {@code preferred_username} names, in the kit's store.
 */
class BearerContractTest {
  static final String ISSUER = "https://idp.kit.test";

  @Test
  void bearerWithAnInlineKeyReachesSuccess() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
    String jwks =
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"kit\",\"use\":\"sig\",\"n\":\"%s\",\"e\":\"%s\"}]}"
            .formatted(b64(pub.getModulus()), b64(pub.getPublicExponent()));
    String header = b64("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"kit\"}");
    String payload =
        b64(
            "{\"iss\":\"%s\",\"aud\":\"authhost\",\"sub\":\"s-alice\",\"preferred_username\":\"alice\",\"exp\":%d}"
                .formatted(ISSUER, Instant.now().plusSeconds(86_400).getEpochSecond()));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(pair.getPrivate());
    rs256.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    String jwt =
        header
            + "."
            + payload
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());

    ContractReport report =
        PluginContract.assertPasses(
            builtin("authhost-plugin-bearer.jar"),
            quick()
                .withProperty("issuer", ISSUER)
                .withProperty("audience", "authhost")
                .withProperty("jwks", jwks)
                .withAccount("alice", PASSWORD)
                .withResponses(List.of(jwt.getBytes(StandardCharsets.ISO_8859_1))));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.SERVICE_FAILURES, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.MALFORMED_INPUT, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.UNLOADABLE, RuleResult.Outcome.PASS);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(BigInteger n) {
    byte[] bytes = n.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
