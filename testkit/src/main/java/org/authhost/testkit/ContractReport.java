package org.authhost.testkit;

import java.nio.file.Path;
import java.util.List;

/**
 * The kit's verdict on one plug-in JAR: one {@link RuleResult} per {@link RuleId}, in rule order.
 * WMS counterpart: none; WMS had no way to check a plug-in before a server loaded it.
 *
 * @param jar the JAR checked
 * @param pluginId the id its descriptor declares (the file name if it has none)
 * @param seed the seed of the random client blobs, to repeat a run exactly
 * @param results one per rule
 * @param text the report as the command line prints it
 */
public record ContractReport(
    Path jar, String pluginId, long seed, List<RuleResult> results, String text) {

  public ContractReport {
    results = List.copyOf(results);
  }

  static ContractReport of(org.authhost.host.kit.ContractReport r) {
    return new ContractReport(
        r.jar(),
        r.pluginId(),
        r.seed(),
        r.results().stream().map(RuleResult::of).toList(),
        r.describe());
  }

  /** Whether no rule FAILed; a rule not exercised is not a failure (see {@link #notExercised}). */
  public boolean passed() {
    return results.stream().noneMatch(RuleResult::failed);
  }

  /** The result of one rule. */
  public RuleResult result(RuleId rule) {
    return results.stream().filter(r -> r.rule() == rule).findFirst().orElseThrow();
  }

  /** The rules broken. */
  public List<RuleResult> failures() {
    return results.stream().filter(RuleResult::failed).toList();
  }

  /** The rules whose paths never ran, each saying what the kit would have needed. */
  public List<RuleResult> notExercised() {
    return results.stream().filter(r -> r.outcome() == RuleResult.Outcome.NOT_EXERCISED).toList();
  }

  /** One line per rule and a summary, as {@code authhost plugins check} prints it. */
  public String describe() {
    return text;
  }
}
