package org.authhost.host.kit;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The kit's verdict on one plug-in JAR: one {@link RuleResult} per {@link Rule}, in rule order. WMS
 * counterpart: what {@code IWMSPlugin.Status}, {@code ErrorCode} and the troubleshooting list would
 * have shown an operator after the fact.
 *
 * @param jar the JAR checked
 * @param pluginId the id its descriptor declares (the file name if it has none)
 * @param seed the seed of the random client blobs, to repeat a run exactly
 * @param results one per rule
 */
public record ContractReport(Path jar, String pluginId, long seed, List<RuleResult> results) {

  /** Whether every rule passed. */
  public boolean passed() {
    return results.stream().allMatch(RuleResult::passed);
  }

  /** The result of one rule, by id. */
  public Optional<RuleResult> result(String ruleId) {
    return results.stream().filter(r -> r.ruleId().equals(ruleId)).findFirst();
  }

  /** The rules broken. */
  public List<RuleResult> failures() {
    return results.stream().filter(r -> !r.passed()).toList();
  }

  /** One line per rule, as the command line prints it. */
  public String describe() {
    return "plug-in '"
        + pluginId
        + "' ("
        + jar
        + "), blob seed "
        + seed
        + "\n"
        + results.stream().map(RuleResult::describe).collect(Collectors.joining("\n"));
  }
}
