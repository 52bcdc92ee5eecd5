package org.authhost.host.config;

import java.util.List;

/**
 * Server-wide client checks.
 *
 * @param ipAllow addresses or CIDR ranges allowed (empty: all), e.g. {@code 127.0.0.0/8}
 * @param ipDeny addresses or CIDR ranges refused; a deny wins over an allow
 * @param trustedProxies addresses or CIDR ranges of reverse proxies whose {@code Forwarded} /
 *     {@code X-Forwarded-For} / {@code X-Forwarded-Proto} headers name the client (empty: none)
 * @param lockout failed-logon throttling
 * @param slowChecks the limits of slow password verification
 */
public record SecurityConfig(
    List<String> ipAllow,
    List<String> ipDeny,
    List<String> trustedProxies,
    LockoutConfig lockout,
    SlowChecksConfig slowChecks) {
  public SecurityConfig {
    ipAllow = List.copyOf(ipAllow);
    ipDeny = List.copyOf(ipDeny);
    trustedProxies = List.copyOf(trustedProxies);
  }

  /** No trusted proxies and the default slow-check limits. */
  public SecurityConfig(List<String> ipAllow, List<String> ipDeny, LockoutConfig lockout) {
    this(ipAllow, ipDeny, List.of(), lockout, SlowChecksConfig.defaults());
  }
}
