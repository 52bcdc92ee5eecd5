package org.authhost.testkit;

import static org.authhost.testkit.Builtins.PASSWORD;
import static org.authhost.testkit.Builtins.assertOutcome;
import static org.authhost.testkit.Builtins.builtin;
import static org.authhost.testkit.Builtins.quick;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The built-in Digest plug-in through the published kit, with an RFC 7616 client (see {@link
 * Builtins}).
 */
class DigestContractTest {
  @Test
  void digestWithAClientThatAnswersItsChallengeReachesSuccess() {
    ContractReport report =
        PluginContract.assertPasses(
            builtin("authhost-plugin-digest.jar"),
            quick()
                .withAccount("alice", PASSWORD)
                .withClient(new DigestClient("alice", PASSWORD))
                .withAccount("bob", PASSWORD)
                .withOtherClient(new DigestClient("bob", PASSWORD)));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.PASS);
    // It declares REVERIFYING_CONTEXT (API 1.7): its SUCCESS context verifies the next exchange,
    // refuses a replay and never gives bob alice's token.
    assertTrue(
        report
            .result(RuleId.TOKEN_OWNERSHIP)
            .did()
            .contains("a replay refused, another account never given it (it got its own token)"),
        report.describe());
    assertOutcome(report, RuleId.SERVICE_FAILURES, RuleResult.Outcome.PASS);
    assertTrue(
        report.result(RuleId.SERVICE_FAILURES).did().contains("SEC_E_LOGON_DENIED"),
        report.describe());
  }
}
