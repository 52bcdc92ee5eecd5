package org.authhost.host.config;

import java.util.List;

/** {@code security}: server-wide IP lists, trusted proxies, logon throttling, slow checks. */
final class SecuritySection {
  private SecuritySection() {}

  static SecurityConfig bind(ConfigSection security) {
    List<String> ipAllow = IpRanges.bind(security, "ipAllow");
    List<String> ipDeny = IpRanges.bind(security, "ipDeny");
    List<String> trustedProxies = IpRanges.bind(security, "trustedProxies");
    LockoutConfig lockout = security.section("lockout", LockoutSection::bind);
    SlowChecksConfig slowChecks = security.section("slowChecks", SlowChecksSection::bind);
    return new SecurityConfig(ipAllow, ipDeny, trustedProxies, lockout, slowChecks);
  }
}
