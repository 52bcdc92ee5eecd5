package org.authhost.host.kit;

/**
 * The verdict on one rule.
 *
 * @param ruleId the rule's stable id, e.g. {@code KIT-CALLBACK-ONCE}
 * @param passed whether the plug-in kept the rule
 * @param did what the plug-in did: on a failure the breach (the call, what it answered, what the
 *     host recorded); on a pass what was checked
 * @param reference the WMS or SSPI document the rule comes from
 */
public record RuleResult(String ruleId, boolean passed, String did, String reference) {

  static RuleResult pass(Rule rule, String checked) {
    return new RuleResult(rule.id(), true, checked, rule.reference());
  }

  static RuleResult fail(Rule rule, String did) {
    return new RuleResult(rule.id(), false, did, rule.reference());
  }

  /** {@code PASS KIT-X: ...} or {@code FAIL KIT-X: ... (breaks: ...)}. */
  public String describe() {
    return passed
        ? "PASS " + ruleId + ": " + did
        : "FAIL " + ruleId + ": " + did + "\n     breaks: " + reference;
  }
}
