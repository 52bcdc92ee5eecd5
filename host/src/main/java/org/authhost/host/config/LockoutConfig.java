package org.authhost.host.config;

/**
 * Failed-logon throttling, per account and per client address.
 *
 * @param threshold failures within the window that trigger a lockout; 0 turns it off
 * @param windowSeconds the window failures are counted in
 * @param durationSeconds how long further attempts are refused
 */
public record LockoutConfig(int threshold, long windowSeconds, long durationSeconds) {}
