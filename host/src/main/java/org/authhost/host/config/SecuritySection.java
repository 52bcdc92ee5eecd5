package org.authhost.host.config;

import java.util.List;

/** {@code security}: server-wide IP lists and logon throttling. */
final class SecuritySection {
  private SecuritySection() {}

  static SecurityConfig bind(ConfigSection security) {
    List<String> ipAllow = IpRanges.bind(security, "ipAllow");
    List<String> ipDeny = IpRanges.bind(security, "ipDeny");
    LockoutConfig lockout = security.section("lockout", LockoutSection::bind);
    return new SecurityConfig(ipAllow, ipDeny, lockout);
  }
}
