package org.authhost.testkit;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.authhost.host.kit.ContractCheck;
import org.authhost.host.kit.ContractReport;
import org.authhost.host.kit.KitOptions;
import org.authhost.host.kit.Rule;
import org.authhost.host.kit.RuleResult;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;

/**
 * The contract test kit for JUnit 5: points the host's own loading code at a plug-in JAR and checks
 * every rule of the WMS plug-in model (see {@link Rule}), as {@code authhost plugins check FILE}
 * does on the command line.
 *
 * <pre>{@code
 * @Test
 * void keepsTheContract() {
 *   PluginContract.assertPasses(Path.of("target/my-plugin.jar"));
 * }
 *
 * @TestFactory
 * Stream<DynamicTest> contract() {
 *   return PluginContract.rules(Path.of("target/my-plugin.jar"), KitOptions.defaults());
 * }
 * }</pre>
 */
public final class PluginContract {
  private PluginContract() {}

  /** Fails, naming every broken rule, what the plug-in did and the document it breaks. */
  public static ContractReport assertPasses(Path jar) {
    return assertPasses(jar, KitOptions.defaults());
  }

  /** {@link #assertPasses(Path)} with options (properties, accounts, a protocol client, ...). */
  public static ContractReport assertPasses(Path jar, KitOptions options) {
    ContractReport report = ContractCheck.run(jar, options);
    if (!report.passed()) {
      Assertions.fail(
          report.failures().size()
              + " rule(s) of the plug-in contract broken\n"
              + report.describe());
    }
    return report;
  }

  /**
   * One dynamic test per rule, named by its id; the plug-in is checked once, when the first of them
   * runs.
   */
  public static Stream<DynamicTest> rules(Path jar, KitOptions options) {
    Supplier<ContractReport> report = new Once(() -> ContractCheck.run(jar, options));
    return Arrays.stream(Rule.values())
        .map(
            rule ->
                DynamicTest.dynamicTest(
                    rule.id() + ": " + rule.checks(),
                    () -> {
                      RuleResult r = report.get().result(rule.id()).orElseThrow();
                      if (!r.passed()) {
                        Assertions.fail(r.describe() + " (blob seed " + report.get().seed() + ")");
                      }
                    }));
  }

  /** The report, made by the first test that asks for it. */
  private static final class Once implements Supplier<ContractReport> {
    private final Supplier<ContractReport> make;
    private ContractReport made;

    Once(Supplier<ContractReport> make) {
      this.make = make;
    }

    @Override
    public synchronized ContractReport get() {
      if (made == null) {
        made = make.get();
      }
      return made;
    }
  }
}
