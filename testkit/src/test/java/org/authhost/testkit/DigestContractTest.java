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
            quick().withAccount("alice", PASSWORD).withClient(new DigestClient("alice", PASSWORD)));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.SERVICE_FAILURES, RuleResult.Outcome.PASS);
    assertTrue(
        report.result(RuleId.SERVICE_FAILURES).did().contains("SEC_E_LOGON_DENIED"),
        report.describe());
  }
}
