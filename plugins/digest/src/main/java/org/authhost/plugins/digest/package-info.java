/**
 * The built-in Digest plug-in: RFC 7616 HTTP Digest authentication (WMS Digest Authentication)
 * against the host's local accounts, written to be copied.
 *
 * <p>Map of the module: {@link org.authhost.plugins.digest.DigestAuthenticationPlugin} is the entry
 * point and life cycle; {@code DigestContext} one exchange; {@code DigestVerifier} the decision on
 * a response, built from {@code DigestParams} (header syntax), {@code DigestCredentials} (fields),
 * {@code RequestUris} (the {@code uri} check), {@code DigestMath} (the formulas), {@code
 * NonceService} with {@code NonceKeyFile} (unforgeable, expiring nonces), {@code NonceLedger}
 * (replay protection and RTSP connection binding, kept in the host's state service so that it
 * outlives a version), {@code Challenges} (the text sent back) and {@code RefusalLog} with {@code
 * Refusal} (events about bad requests, a flood summed up).
 */
package org.authhost.plugins.digest;
