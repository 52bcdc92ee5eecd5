package org.authhost.host.config;

/**
 * Failed-logon throttling, per account and per client address.
 *
 * @param threshold failures for one account within the window that lock it out; 0 turns it off
 * @param addressThreshold failures from one client address within the window that lock the address
 *     out; higher than {@code threshold}, since one address (a proxy, a NAT) may carry many users;
 *     0 turns it off
 * @param windowSeconds the window failures are counted in
 * @param durationSeconds how long further attempts are refused
 */
public record LockoutConfig(
    int threshold, int addressThreshold, long windowSeconds, long durationSeconds) {}
