package org.authhost.testkit;

import static org.authhost.testkit.Builtins.assertOutcome;
import static org.authhost.testkit.Builtins.builtin;
import static org.authhost.testkit.Builtins.quick;

import org.junit.jupiter.api.Test;

/**
 * The built-in NTLM plug-in through the published kit: the rules a kit without an NTLM client
 * reaches (see {@link Builtins}).
 */
class NtlmContractTest {
  @Test
  void ntlmKeepsTheRulesTheKitCanReachWithoutAnNtlmClient() {
    ContractReport report =
        PluginContract.assertPasses(builtin("authhost-plugin-ntlm.jar"), quick());

    assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.CALLBACK_ONCE, RuleResult.Outcome.PASS);
    assertOutcome(report, RuleId.MALFORMED_INPUT, RuleResult.Outcome.PASS);
  }
}
