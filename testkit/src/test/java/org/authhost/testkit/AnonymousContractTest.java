package org.authhost.testkit;

import static org.authhost.testkit.Builtins.assertOutcome;
import static org.authhost.testkit.Builtins.builtin;
import static org.authhost.testkit.Builtins.quick;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The built-in Anonymous plug-in through the published kit (see {@link Builtins}). */
class AnonymousContractTest {
  @Test
  void anonymousLogsGuestOnAndKeepsEveryRule() {
    ContractReport report =
        PluginContract.assertPasses(
            builtin("authhost-plugin-anonymous.jar"), quick().withProperty("account", "Guest"));

    assertOutcome(report, RuleId.TOKEN_OWNERSHIP, RuleResult.Outcome.NOT_EXERCISED);
    assertTrue(
        report.result(RuleId.TOKEN_OWNERSHIP).did().contains("failure path not exercised"),
        "an ANONYMOUS plug-in accepts anything: " + report.describe());
    assertOutcome(report, RuleId.SERVICE_FAILURES, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.PASS);
  }
}
