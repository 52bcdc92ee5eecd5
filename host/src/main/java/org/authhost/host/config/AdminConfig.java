package org.authhost.host.config;

/**
 * The admin endpoint: plain HTTP on loopback only, guarded by a random token that the host writes
 * into its data folder, readable by the operator's account alone.
 *
 * @param port the port; 0 picks a free one (the command line finds it in the data folder)
 */
public record AdminConfig(int port) {}
