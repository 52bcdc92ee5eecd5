package org.authhost.host.authn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The credentials a plug-in refused last on one connection, as a digest: players send a refused
 * password again on their own (GStreamer's rtspsrc up to nine times per request), and the same
 * octets for the same account, plug-in and request are the same guess, so they count once. Any
 * other octets are a new guess and count; a new connection remembers nothing, so reconnecting gains
 * no guess either. The host learns nothing of any protocol: the octets are opaque. Held as a
 * digest, so that a connection does not keep a wrong password for its lifetime.
 */
final class RefusedProof {
  private byte[] last;

  /** Whether {@code print} ({@link #print}) is the proof remembered last. */
  synchronized boolean isLast(byte[] print) {
    return last != null && MessageDigest.isEqual(last, print);
  }

  /**
   * Remembers {@code print} as refused last: only a proof answered as a failed logon (401), never
   * one answered 429, so that a retry's 401 never tells a locked account's right password from a
   * wrong one.
   */
  synchronized void remember(byte[] print) {
    last = print;
  }

  /** The digest of one proof: the plug-in, the account, the request and the credentials. */
  static byte[] print(
      String pluginId, String account, String method, String target, byte[] credentials) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    for (String part : new String[] {pluginId, account, method, target}) {
      byte[] octets = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
      // Each part's length first: no two different lists of parts give the same input.
      sha.update(
          new byte[] {
            (byte) (octets.length >>> 24),
            (byte) (octets.length >>> 16),
            (byte) (octets.length >>> 8),
            (byte) octets.length
          });
      sha.update(octets);
    }
    return sha.digest(credentials);
  }
}
