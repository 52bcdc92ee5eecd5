package org.authhost.testkit;

import org.authhost.host.kit.Rule;

/**
 * The rules of the plug-in contract the kit checks, each with a stable id ({@code KIT-...}) and the
 * WMS or SSPI document it comes from. WMS counterpart: the plug-in model of the WMS SDK ({@code
 * IWMSBasicPlugin} dd893392, {@code IWMSAuthenticationPlugin}) and SSPI.
 */
public enum RuleId {
  DESCRIPTOR,
  ENTRY_POINT,
  LIFECYCLE,
  CALLBACK_ONCE,
  TOKEN_OWNERSHIP,
  ERROR_REPORTED,
  MALFORMED_INPUT,
  SERVICE_FAILURES,
  NO_LEFTOVERS,
  UNLOADABLE;

  private Rule rule() {
    return Rule.valueOf(name());
  }

  /** The stable id, e.g. {@code KIT-CALLBACK-ONCE}. */
  public String id() {
    return rule().id();
  }

  /** What the rule asks of a plug-in, in one line. */
  public String checks() {
    return rule().checks();
  }

  /** The WMS or SSPI document the rule comes from. */
  public String reference() {
    return rule().reference();
  }

  /** The rule with this id ({@code KIT-...}). */
  public static RuleId ofId(String id) {
    for (RuleId r : values()) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no kit rule " + id);
  }
}
