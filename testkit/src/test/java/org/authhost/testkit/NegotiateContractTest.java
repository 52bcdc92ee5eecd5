package org.authhost.testkit;

import static org.authhost.testkit.Builtins.assertOutcome;
import static org.authhost.testkit.Builtins.builtin;
import static org.authhost.testkit.Builtins.quick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.authhost.host.testing.ThrowawayKdc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in Negotiate plug-in through the published kit, with a throwaway Kerberos realm (see
 * {@link Builtins}).
 */
class NegotiateContractTest {
  @Test
  void negotiateWithAKerberosRealmKeepsTheRulesTheKitCanReachWithoutAKerberosClient(
      @TempDir Path dir) throws Exception {
    // Skipped without MIT Kerberos, as the host's Negotiate serving test is.
    try (ThrowawayKdc kdc = ThrowawayKdc.start(dir.resolve("kdc"))) {
      ContractReport report =
          PluginContract.assertPasses(
              builtin("authhost-plugin-negotiate.jar"),
              quick()
                  .withProperty("servicePrincipal", kdc.servicePrincipal())
                  .withProperty("keytab", kdc.keytab().toString())
                  .withProperty("krb5Config", kdc.krb5Conf().toString()));

      assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.PASS);
      assertOutcome(report, RuleId.CALLBACK_ONCE, RuleResult.Outcome.PASS);
      assertOutcome(report, RuleId.MALFORMED_INPUT, RuleResult.Outcome.PASS);
    }
  }

  @Test
  void negotiateWithoutItsServicePrincipalIsToldWhatToFix() {
    ContractReport report =
        PluginContract.check(builtin("authhost-plugin-negotiate.jar"), quick().withBlobs(10));

    assertOutcome(report, RuleId.LIFECYCLE, RuleResult.Outcome.FAIL);
    assertTrue(report.result(RuleId.LIFECYCLE).did().contains("servicePrincipal"));
    // The rules after it were not run, and say why: they are no failures of their own.
    assertEquals(1, report.failures().size(), report.describe());
    assertTrue(
        report.result(RuleId.CALLBACK_ONCE).did().contains("never came into service"),
        report.describe());
  }
}
