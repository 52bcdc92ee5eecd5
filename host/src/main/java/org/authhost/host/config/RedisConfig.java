package org.authhost.host.config;

import java.time.Duration;

/**
 * {@code state.redis}: the Redis server (or Sentinel group) that several hosts share their state
 * through, instead of each keeping it in its own memory.
 *
 * @param uri {@code redis://host:port[/db]}, {@code rediss://} for TLS, or {@code
 *     redis-sentinel://host:port[,host:port]/[db]#masterName}; may carry a password, never logged
 * @param password the password ({@code AUTH}), from {@code password} or read from {@code
 *     passwordFile}; null for none (or the one in the URI)
 * @param user the ACL user name ({@code AUTH user password}); null for the default user
 * @param keyPrefix what every key of this host group starts with, so that several groups (or other
 *     applications) can share one Redis
 * @param timeout how long one command may take before it counts as failed
 * @param connectTimeout how long connecting may take
 */
public record RedisConfig(
    String uri,
    String password,
    String user,
    String keyPrefix,
    Duration timeout,
    Duration connectTimeout) {
  public static final String DEFAULT_KEY_PREFIX = "authhost:";
  public static final long DEFAULT_TIMEOUT_MILLIS = 500;
  public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2000;

  /** The URI without the password it may carry: what events and logs may show. */
  public String shownUri() {
    return redactedUri(uri);
  }

  /** {@code uri} with whatever sits between the scheme and an {@code @} replaced. */
  public static String redactedUri(String uri) {
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return uri;
    }
    return uri.substring(0, scheme + 3) + "***@" + uri.substring(at + 1);
  }

  @Override
  public String toString() {
    return "RedisConfig[uri="
        + shownUri()
        + ", password="
        + (password == null ? "none" : "***")
        + ", user="
        + user
        + ", keyPrefix="
        + keyPrefix
        + ", timeout="
        + timeout
        + ", connectTimeout="
        + connectTimeout
        + "]";
  }
}
