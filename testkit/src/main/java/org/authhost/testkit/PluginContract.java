package org.authhost.testkit;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.authhost.host.kit.ContractCheck;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * The contract test kit for JUnit 5: points the host's own loading code at a plug-in JAR and checks
 * every rule of the WMS plug-in model (see {@link RuleId}), as {@code authhost plugins check FILE}
 * does on the command line. A rule is PASS, FAIL, or NOT_EXERCISED (its paths never ran: not a
 * failure; give the kit what it says it needs, e.g. {@link KitOptions#withResponses}).
 *
 * <p>The kit loads the plug-in with the host's own descriptor reader, class loader and call guard,
 * but does not install the host's containment agent (a JVM agent) in your test JVM: a plug-in that
 * calls {@code System.exit} or reflects into the host is stopped only by a host started with the
 * {@code authhost} launcher.
 *
 * <pre>{@code
 * @Test
 * void keepsTheContract() {
 *   PluginContract.assertPasses(Path.of("target/my-plugin.jar"));
 * }
 *
 * @TestFactory
 * Stream<DynamicTest> contract() {
 *   return PluginContract.rules(
 *       Path.of("target/my-plugin.jar"),
 *       KitOptions.defaults().withAccount("alice", "secret").withResponses(List.of(blob)));
 * }
 * }</pre>
 *
 * <p>WMS counterpart: none; WMS had no way to check a plug-in before a server loaded it.
 */
public final class PluginContract {
  private PluginContract() {}

  /**
   * Checks every rule and returns the report, failing nothing.
   *
   * @throws IllegalArgumentException for options the kit cannot check with, e.g. {@link
   *     KitOptions#withOtherClient} proving the same account as {@link KitOptions#withClient}
   */
  public static ContractReport check(Path jar, KitOptions options) {
    return ContractReport.of(ContractCheck.run(jar, options.toHost()));
  }

  /** Fails, naming every broken rule, what the plug-in did and the document it breaks. */
  public static ContractReport assertPasses(Path jar) {
    return assertPasses(jar, KitOptions.defaults());
  }

  /**
   * {@link #assertPasses(Path)} with options (accounts, a client, properties, ...). Rules not
   * exercised do not fail it; the returned report lists them.
   */
  public static ContractReport assertPasses(Path jar, KitOptions options) {
    ContractReport report = check(jar, options);
    if (!report.passed()) {
      // A plain AssertionError, not JUnit's: assertPasses also runs from a main without JUnit.
      throw new AssertionError(
          report.failures().size()
              + " rule(s) of the plug-in contract broken\n"
              + report.describe());
    }
    return report;
  }

  /** {@link #rules(Path, KitOptions)} with {@link KitOptions#defaults()}. */
  public static Stream<DynamicTest> rules(Path jar) {
    return rules(jar, KitOptions.defaults());
  }

  /**
   * One dynamic test per rule, named by its id: failed when the rule is broken, aborted (shown as
   * skipped) when it was not exercised. The plug-in is checked once, when the first of them runs.
   */
  public static Stream<DynamicTest> rules(Path jar, KitOptions options) {
    Supplier<ContractReport> report = new Once(() -> check(jar, options));
    return Arrays.stream(RuleId.values())
        .map(
            rule ->
                DynamicTest.dynamicTest(
                    rule.id() + ": " + rule.checks(),
                    () -> {
                      RuleResult r = report.get().result(rule);
                      String seed = " (blob seed " + report.get().seed() + ")";
                      if (r.failed()) {
                        Assertions.fail(r.describe() + seed);
                      }
                      Assumptions.assumeTrue(r.passed(), r.describe());
                    }));
  }

  /**
   * The report, made by the first test that asks for it; a usage error (two clients of one account,
   * say) is thrown to every test, without checking the plug-in again for each.
   */
  private static final class Once implements Supplier<ContractReport> {
    private final Supplier<ContractReport> make;
    private ContractReport made;
    private RuntimeException failed;

    Once(Supplier<ContractReport> make) {
      this.make = make;
    }

    @Override
    public synchronized ContractReport get() {
      if (made == null && failed == null) {
        try {
          made = make.get();
        } catch (RuntimeException e) {
          failed = e;
        }
      }
      if (failed != null) {
        throw failed;
      }
      return made;
    }
  }
}
