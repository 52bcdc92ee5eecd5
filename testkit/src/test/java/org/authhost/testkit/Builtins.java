package org.authhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The five built-in plug-ins against the kit as authors get it (its own API, its own module): each
 * with what makes it reach SUCCESS where the kit can, so the token rules and the host-service
 * failures run. Here and not in each plug-in's module: the plug-ins build before the host, and the
 * kit is the host's code, so a test dependency of a plug-in on the kit would be a reactor cycle.
 *
 * <p>One test class per plug-in; they run in one JVM, one after the other, which is how the kit's
 * unload check was found to need {@code Unloading.forgetLastRecordType}.
 */
final class Builtins {
  static final String PASSWORD = "pw-alice-7";

  private Builtins() {}

  static Path builtin(String fileName) {
    Path jar = Path.of(System.getProperty("authhost.test.builtinPlugins")).resolve(fileName);
    assertTrue(Files.isRegularFile(jar), "the reactor built " + jar);
    return jar;
  }

  static KitOptions quick() {
    return KitOptions.defaults().withBlobs(500);
  }

  static void assertOutcome(ContractReport report, RuleId rule, RuleResult.Outcome o) {
    assertEquals(o, report.result(rule).outcome(), report.describe());
  }
}
