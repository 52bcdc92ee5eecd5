package org.authhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The JUnit entry as an author uses it, against a built-in plug-in and a broken JAR. */
class PluginContractTest {
  @TempDir Path dir;

  private static Path builtin(String fileName) {
    return Path.of(System.getProperty("authhost.test.builtinPlugins")).resolve(fileName);
  }

  @TestFactory
  Stream<DynamicTest> theAnonymousPluginKeepsEveryRule() {
    return PluginContract.rules(
        builtin("authhost-plugin-anonymous.jar"),
        KitOptions.defaults().withProperty("account", "Guest").withBlobs(500));
  }

  @Test
  void theDynamicTestsAreOnePerRuleNamedByItsId() {
    List<String> names =
        PluginContract.rules(builtin("authhost-plugin-anonymous.jar"), KitOptions.defaults())
            .map(DynamicTest::getDisplayName)
            .toList();

    assertEquals(RuleId.values().length, names.size());
    assertTrue(names.get(0).startsWith("KIT-DESCRIPTOR: "), names.get(0));
    // Each name starts with its rule's id: what Surefire's phrased report names the test by.
    for (int i = 0; i < names.size(); i++) {
      assertTrue(names.get(i).startsWith(RuleId.values()[i].id() + ": "), names.get(i));
    }
  }

  @Test
  void theAuthorsRuleIdsAreTheKitsRules() {
    assertEquals(
        java.util.Arrays.stream(org.authhost.host.kit.Rule.values()).map(Enum::name).toList(),
        java.util.Arrays.stream(RuleId.values()).map(Enum::name).toList());
    assertEquals("KIT-SERVICE-FAILURES", RuleId.SERVICE_FAILURES.id());
  }

  @Test
  void aRuleNotExercisedIsAnAbortedDynamicTestNotAFailure() throws Throwable {
    // Basic without credentials never reaches SUCCESS: the token rule did not run.
    DynamicTest tokens =
        PluginContract.rules(
                builtin("authhost-plugin-basic.jar"), KitOptions.defaults().withBlobs(50))
            .filter(t -> t.getDisplayName().startsWith("KIT-TOKEN-OWNERSHIP"))
            .findFirst()
            .orElseThrow();

    org.opentest4j.TestAbortedException skipped =
        assertThrows(
            org.opentest4j.TestAbortedException.class, () -> tokens.getExecutable().execute());
    assertTrue(
        skipped.getMessage().contains("NOT EXERCISED: no SUCCESS reached"), skipped.getMessage());
  }

  /** The host's test plug-in with one-time proofs (API 1.7, REVERIFYING_CONTEXT). */
  private Path oneProof() throws IOException {
    return PluginJar.of("oneproof", "org.authhost.testplugins.oneproof.OneProofPlugin")
        .with("api-version", "1.7")
        .writeTo(dir, "oneproof.jar");
  }

  private static ContractClient proofs(String account, AtomicInteger calls) {
    return (leg, challenge) -> {
      calls.incrementAndGet();
      return leg == 0
          ? (account + ":" + UUID.randomUUID()).getBytes(StandardCharsets.ISO_8859_1)
          : null;
    };
  }

  private static final KitOptions ACCOUNTS =
      KitOptions.defaults()
          .withBlobs(50)
          .withAccount("alice", "pw-alice")
          .withAccount("bob", "pw-bob");

  @Test
  void fixedResponsesToAPluginWithOneTimeProofsAreNotExercisedNotFailed() throws IOException {
    ContractReport report =
        PluginContract.assertPasses(
            oneProof(),
            ACCOUNTS.withResponses(List.of("alice:n-1".getBytes(StandardCharsets.ISO_8859_1))));

    RuleResult tokens = report.result(RuleId.TOKEN_OWNERSHIP);
    assertEquals(RuleResult.Outcome.NOT_EXERCISED, tokens.outcome(), report.describe());
    assertTrue(tokens.did().contains("give a client that makes a fresh proof"), tokens.did());
    assertEquals(
        RuleResult.Outcome.NOT_EXERCISED,
        report.result(RuleId.SERVICE_FAILURES).outcome(),
        report.describe());
  }

  @Test
  void anOtherClientOfTheSameAccountIsAUsageErrorInEveryRuleTestFromOneCheck() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<DynamicTest> tests =
        PluginContract.rules(
                oneProof(),
                ACCOUNTS
                    .withClient(proofs("alice", new AtomicInteger()))
                    .withOtherClient(proofs("alice", calls)))
            .toList();

    IllegalArgumentException first =
        assertThrows(IllegalArgumentException.class, () -> tests.get(0).getExecutable().execute());
    int callsOfOneCheck = calls.get();
    IllegalArgumentException second =
        assertThrows(IllegalArgumentException.class, () -> tests.get(1).getExecutable().execute());

    assertTrue(
        first
            .getMessage()
            .contains(
                "withOtherClient must prove a different account than withClient (both proved"
                    + " 'alice')"),
        first.getMessage());
    assertFalse(first.getMessage().contains("--"), "no command-line names in JUnit");
    assertSame(first, second);
    assertEquals(callsOfOneCheck, calls.get(), "the plug-in was checked once");
  }

  @Test
  void aJarWithoutADescriptorFailsNamingTheRuleAndTheFix() throws IOException {
    Path jar = dir.resolve("empty.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("README.txt"));
      out.closeEntry();
    }

    AssertionError e = assertThrows(AssertionError.class, () -> PluginContract.assertPasses(jar));

    assertTrue(e.getMessage().contains("FAIL KIT-DESCRIPTOR"), e.getMessage());
    assertTrue(e.getMessage().contains("META-INF/authhost-plugin.properties"), e.getMessage());
    assertTrue(e.getMessage().contains("breaks: "), e.getMessage());
  }
}
