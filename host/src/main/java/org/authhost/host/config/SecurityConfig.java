package org.authhost.host.config;

import java.util.List;

/**
 * Server-wide client checks.
 *
 * @param ipAllow addresses or CIDR ranges allowed (empty: all), e.g. {@code 127.0.0.0/8}
 * @param ipDeny addresses or CIDR ranges refused; a deny wins over an allow
 * @param lockout failed-logon throttling
 */
public record SecurityConfig(List<String> ipAllow, List<String> ipDeny, LockoutConfig lockout) {
  public SecurityConfig {
    ipAllow = List.copyOf(ipAllow);
    ipDeny = List.copyOf(ipDeny);
  }
}
