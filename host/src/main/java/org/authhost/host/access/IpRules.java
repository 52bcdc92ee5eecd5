package org.authhost.host.access;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * An allow list and a deny list of addresses and CIDR ranges (Netty's subnet rules do the
 * matching). A deny wins; an empty allow list allows everyone not denied.
 */
public final class IpRules {
  /** No rules: everyone is allowed. */
  public static final IpRules NONE = new IpRules(List.of(), List.of());

  private final List<IpSubnetFilterRule> allow;
  private final List<IpSubnetFilterRule> deny;

  private IpRules(List<IpSubnetFilterRule> allow, List<IpSubnetFilterRule> deny) {
    this.allow = allow;
    this.deny = deny;
  }

  /**
   * Rules from configuration strings such as {@code 10.0.0.0/8}, {@code ::1} or {@code 192.0.2.7}.
   */
  public static IpRules of(List<String> allow, List<String> deny) {
    return new IpRules(rules(allow, IpFilterRuleType.ACCEPT), rules(deny, IpFilterRuleType.REJECT));
  }

  private static List<IpSubnetFilterRule> rules(List<String> specs, IpFilterRuleType type) {
    return specs.stream()
        .map(
            spec -> {
              int slash = spec.indexOf('/');
              String address = slash < 0 ? spec : spec.substring(0, slash);
              int prefix =
                  slash < 0
                      ? (address.indexOf(':') >= 0 ? 128 : 32)
                      : Integer.parseInt(spec.substring(slash + 1));
              return new IpSubnetFilterRule(address, prefix, type);
            })
        .toList();
  }

  /** Whether a client at this address may go on. */
  public boolean allows(InetAddress address) {
    InetSocketAddress socket = new InetSocketAddress(address, 0);
    for (IpSubnetFilterRule rule : deny) {
      if (rule.matches(socket)) {
        return false;
      }
    }
    if (allow.isEmpty()) {
      return true;
    }
    for (IpSubnetFilterRule rule : allow) {
      if (rule.matches(socket)) {
        return true;
      }
    }
    return false;
  }
}
