package org.authhost.testkit;

import static org.authhost.testkit.Builtins.PASSWORD;
import static org.authhost.testkit.Builtins.assertOutcome;
import static org.authhost.testkit.Builtins.builtin;
import static org.authhost.testkit.Builtins.quick;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in Basic plug-in through the published kit, logging on an account of the kit's store
 * (see {@link Builtins}).
 */
class BasicContractTest {
  @Test
  void basicWithAnAccountInTheKitsStoreReachesSuccess() {
    byte[] credentials =
        Base64.getEncoder().encode(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    ContractReport report =
        PluginContract.assertPasses(
            builtin("authhost-plugin-basic.jar"),
            quick().withAccount("alice", PASSWORD).withResponses(List.of(credentials)));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.SERVICE_FAILURES, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.MALFORMED_INPUT, RuleResult.Outcome.PASS);
  }
}
