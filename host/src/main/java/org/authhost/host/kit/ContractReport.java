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

  /**
   * Whether no rule failed: a rule {@link RuleResult.Outcome#NOT_EXERCISED not exercised} is not a
   * failure (see {@link #notExercised()}).
   */
  public boolean passed() {
    return results.stream().noneMatch(RuleResult::failed);
  }

  /** The result of one rule, by id. */
  public Optional<RuleResult> result(String ruleId) {
    return results.stream().filter(r -> r.ruleId().equals(ruleId)).findFirst();
  }

  /** The rules broken. */
  public List<RuleResult> failures() {
    return results.stream().filter(RuleResult::failed).toList();
  }

  /** The rules whose paths the kit could not make the plug-in run, each saying what it needed. */
  public List<RuleResult> notExercised() {
    return results.stream().filter(r -> r.outcome() == RuleResult.Outcome.NOT_EXERCISED).toList();
  }

  /** {@code all 9 rules passed}, {@code 2 of 9 rules broken, ...}: the summary line. */
  public String summary() {
    long broken = failures().size();
    long skipped = notExercised().size();
    String skips = skipped == 0 ? "" : ", " + skipped + " not exercised (not a failure)";
    if (broken == 0) {
      return skipped == 0
          ? "all " + results.size() + " rules passed"
          : (results.size() - skipped) + " of " + results.size() + " rules passed" + skips;
    }
    return broken + " of " + results.size() + " rules broken" + skips;
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
        + results.stream().map(RuleResult::describe).collect(Collectors.joining("\n"))
        + "\n"
        + summary();
  }
}
