package org.authhost.host.kit;

/**
 * The verdict on one rule.
 *
 * @param ruleId the rule's stable id, e.g. {@code KIT-CALLBACK-ONCE}
 * @param outcome kept, broken, or not exercised
 * @param did what the plug-in did: on a failure the breach (the call, what it answered, what the
 *     host recorded); on a pass what was checked; when not exercised, what the kit would have
 *     needed to exercise it
 * @param reference the WMS or SSPI document the rule comes from
 */
public record RuleResult(String ruleId, Outcome outcome, String did, String reference) {

  /** The three verdicts; only {@link #FAIL} fails a check. */
  public enum Outcome {
    /** The rule's paths ran and the plug-in kept it. */
    PASS,
    /** The plug-in broke the rule. */
    FAIL,
    /**
     * The plug-in's paths for this rule never ran (no SUCCESS reached, no failing HRESULT returned,
     * an earlier rule failed, not an authentication plug-in): neither kept nor broken. Not a
     * failure; {@link RuleResult#did()} says what would have been needed.
     */
    NOT_EXERCISED
  }

  static RuleResult pass(Rule rule, String checked) {
    return new RuleResult(rule.id(), Outcome.PASS, checked, rule.reference());
  }

  /**
   * A breach; {@code reference} is the rule's document, with the guide's section and rule where the
   * breach is one of its (see {@link Rule#reference()}).
   */
  static RuleResult fail(Rule rule, String did, String reference) {
    return new RuleResult(rule.id(), Outcome.FAIL, did, reference);
  }

  static RuleResult notExercised(Rule rule, String needed) {
    return new RuleResult(rule.id(), Outcome.NOT_EXERCISED, needed, rule.reference());
  }

  /** Whether the rule's paths ran and the plug-in kept it. */
  public boolean passed() {
    return outcome == Outcome.PASS;
  }

  /** Whether the plug-in broke the rule. */
  public boolean failed() {
    return outcome == Outcome.FAIL;
  }

  /**
   * {@code PASS KIT-X: ...}, {@code FAIL KIT-X: ... (breaks: ...)} or {@code SKIP KIT-X: NOT
   * EXERCISED: ...}.
   */
  public String describe() {
    return switch (outcome) {
      case PASS -> "PASS " + ruleId + ": " + did;
      case FAIL -> "FAIL " + ruleId + ": " + did + "\n     breaks: " + reference;
      case NOT_EXERCISED -> "SKIP " + ruleId + ": NOT EXERCISED: " + did;
    };
  }
}
