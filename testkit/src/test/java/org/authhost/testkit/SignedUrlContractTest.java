package org.authhost.testkit;

import static org.authhost.testkit.Builtins.assertOutcome;
import static org.authhost.testkit.Builtins.builtin;
import static org.authhost.testkit.Builtins.quick;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in signed-URL plug-in through the published kit (see {@link Builtins}): a URL signed
 * for the kit's request path logs its account on, so the token rules run; every other blob is a
 * refusal without a challenge (API 1.4), which the kit counts as DENIED.
 */
class SignedUrlContractTest {
  private static final String SECRET = "kit-0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  @Test
  void signedUrlLogsItsAccountOnAndKeepsEveryRule() throws Exception {
    Path keys = dir.resolve("keys");
    Files.writeString(keys, "kit=" + SECRET + "\n");
    long exp = Instant.now().getEpochSecond() + 86_400;
    String message = "/vod/\n" + exp + "\n";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String sig =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    byte[] signed =
        ("ah_prefix=/vod/&ah_exp=" + exp + "&ah_key=kit&ah_sig=" + sig)
            .getBytes(StandardCharsets.ISO_8859_1);
    ContractReport report =
        PluginContract.assertPasses(
            builtin("authhost-plugin-signed-url.jar"),
            quick()
                .withAccount("viewer", Builtins.PASSWORD)
                .withProperty("account", "viewer")
                .withProperty("keysFile", keys.toString())
                .withResponses(List.of(signed)));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.CALLBACK_ONCE, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.MALFORMED_INPUT, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.PASS);
  }
}
