package org.authhost.host.authn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The credentials a plug-in refused last on one connection, as a digest: players send a refused
 * password again on their own (GStreamer's rtspsrc up to nine times per request), and the same
 * octets for the same account, plug-in and request, with the same headers the plug-in read, are the
 * same guess, so they count once. Any other proof is a new guess and counts; a new connection
 * remembers nothing, so reconnecting gains no guess either. The host learns nothing of any
 * protocol: the octets are opaque. Held as a digest, so that a connection does not keep a wrong
 * password for its lifetime.
 *
 * <p>The repeats that count for nothing are bounded ({@link #FREE_REPEATS} per refused proof): the
 * plug-in still checks each one in full (a slow password hash), and a client that sends one wrong
 * password for ever must still meet the lockouts, which then refuse it before any plug-in runs.
 */
final class RefusedProof {
  /** Repeats of one refused proof that count for nothing: rtspsrc sends at most eight. */
  static final int FREE_REPEATS = 8;

  private byte[] last;
  private int repeats;

  /**
   * Whether {@code print} ({@link #print}) is the proof refused last and one of its {@link
   * #FREE_REPEATS}, which it uses up; past them a repeat is a failed logon again.
   */
  synchronized boolean freeRepeat(byte[] print) {
    if (last == null || !MessageDigest.isEqual(last, print) || repeats >= FREE_REPEATS) {
      return false;
    }
    repeats++;
    return true;
  }

  /**
   * Remembers {@code print} as refused last: only a proof answered as a failed logon (401), never
   * one answered 429, so that a retry's 401 never tells a locked account's right password from a
   * wrong one. The same proof counted again (its free repeats used up) keeps its count of them.
   */
  synchronized void remember(byte[] print) {
    if (last == null || !MessageDigest.isEqual(last, print)) {
      last = print;
      repeats = 0;
    }
  }

  /**
   * The digest of one proof: the plug-in, the account, the request, the headers the plug-in read
   * and the credentials.
   */
  static byte[] print(
      String pluginId,
      String account,
      String method,
      String target,
      String headersRead,
      byte[] credentials) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    for (String part : new String[] {pluginId, account, method, target, headersRead}) {
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
