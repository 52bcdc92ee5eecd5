package org.authhost.plugins.bearer;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token says, kept until it expires so that its signature is checked once.
 *
 * @param issuer {@code iss}
 * @param subject {@code sub} (or {@code client_id} for a client's own token without one)
 * @param name the configured account claim's value, or null when the token has none
 * @param groups the configured groups claim's values (empty without one)
 * @param expiresAt {@code exp}
 */
record VerifiedToken(
    String issuer, String subject, String name, List<String> groups, Instant expiresAt) {}
