package org.authhost.testkit;

/**
 * The verdict on one rule. WMS counterpart: what {@code IWMSPlugin.Status}, {@code ErrorCode} and
 * {@code ErrorText} (ms748905) would have shown an operator after the fact, one rule at a time.
 *
 * @param rule the rule
 * @param outcome kept, broken, or not exercised
 * @param did on a failure the breach (the call, what it answered, what the host recorded); on a
 *     pass what was checked; when not exercised, what the kit would have needed
 * @param reference the WMS or SSPI document the rule comes from
 */
public record RuleResult(RuleId rule, Outcome outcome, String did, String reference) {

  /** The three verdicts; only {@link #FAIL} fails a check. */
  public enum Outcome {
    /** The rule's paths ran and the plug-in kept it. */
    PASS,
    /** The plug-in broke the rule. */
    FAIL,
    /**
     * The plug-in's paths for this rule never ran: neither kept nor broken, and not a failure;
     * {@link RuleResult#did()} says what the kit would have needed (e.g. a client that logs on).
     */
    NOT_EXERCISED
  }

  static RuleResult of(org.authhost.host.kit.RuleResult r) {
    return new RuleResult(
        RuleId.ofId(r.ruleId()), Outcome.valueOf(r.outcome().name()), r.did(), r.reference());
  }

  /** The rule's stable id, e.g. {@code KIT-CALLBACK-ONCE}. */
  public String ruleId() {
    return rule.id();
  }

  public boolean passed() {
    return outcome == Outcome.PASS;
  }

  public boolean failed() {
    return outcome == Outcome.FAIL;
  }

  /**
   * {@code PASS KIT-X: ...}, {@code FAIL KIT-X: ... breaks: ...} or {@code SKIP KIT-X: NOT
   * EXERCISED: ...}, as the command line prints it.
   */
  public String describe() {
    return switch (outcome) {
      case PASS -> "PASS " + ruleId() + ": " + did;
      case FAIL -> "FAIL " + ruleId() + ": " + did + "\n     breaks: " + reference;
      case NOT_EXERCISED -> "SKIP " + ruleId() + ": NOT EXERCISED: " + did;
    };
  }
}
