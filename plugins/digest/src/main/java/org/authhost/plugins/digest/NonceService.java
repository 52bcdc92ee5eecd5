package org.authhost.plugins.digest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and checks nonces that carry their own proof of origin and age (RFC 7616 §3.3 and §5.4):
 * {@code base64url(timestamp(8) | random(16) | HMAC-SHA256(key, timestamp | random)[0..16))}.
 *
 * <p>The MAC means a nonce this server did not issue is recognised without any state, so garbage
 * costs one look-up and one HMAC and never changes the replay cache. The timestamp gives the
 * lifetime, so an old nonce is known to be old even after the replay cache forgot it. The random
 * part makes each nonce unique. Nonces are bound neither to the client's address (which breaks
 * behind NAT and load balancers, as Tomcat's do) nor to the algorithm: one nonce serves all the
 * challenges of one 401.
 *
 * <p>Thread-safe. {@link Mac} objects are not, so a small pool keeps them: no {@code ThreadLocal},
 * which would pin this plug-in's class loader to the host's worker threads.
 */
final class NonceService {
  private static final int TIMESTAMP = 8;
  private static final int RANDOM = 16;
  private static final int MAC = 16;
  private static final int LENGTH = TIMESTAMP + RANDOM + MAC;

  /** Base64 without padding of {@link #LENGTH} octets. */
  private static final int ENCODED_LENGTH = (LENGTH * 8 + 5) / 6;

  /** How a nonce the client sent stands. */
  enum Status {
    /** Issued here and within its lifetime. */
    FRESH,
    /**
     * Issued here, but past its lifetime: the client gets {@code stale=true} if its digest is
     * right.
     */
    EXPIRED,
    /**
     * Not issued here (bad form or bad MAC): never stale, the client's credentials are in doubt.
     */
    FORGED
  }

  /**
   * A nonce's identity in the {@link ReplayCache}: all of its octets, so that two nonces with the
   * same random part but another timestamp or MAC are different nonces.
   *
   * @param timestamp when it was issued, in milliseconds since the epoch
   * @param high the first 8 random octets
   * @param low the last 8
   * @param macHigh the first 8 octets of its MAC
   * @param macLow the last 8
   */
  record Id(long timestamp, long high, long low, long macHigh, long macLow) {}

  /**
   * The outcome of {@link #check}.
   *
   * @param status see {@link Status}
   * @param id the nonce's identity; {@code null} when {@link Status#FORGED}
   * @param ageMillis how long ago it was issued
   */
  record Check(Status status, Id id, long ageMillis) {}

  private static final Check FORGED = new Check(Status.FORGED, null, 0);

  private final SecretKeySpec key;
  private final long lifetimeMillis;
  private final Clock clock;
  private final SecureRandom random;
  private final ConcurrentLinkedQueue<Mac> macs = new ConcurrentLinkedQueue<>();
  private final String opaque;

  NonceService(byte[] key, Duration lifetime, Clock clock, SecureRandom random) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
    this.lifetimeMillis = lifetime.toMillis();
    this.clock = clock;
    this.random = random;
    // Derived from the key rather than random per start, so that it survives a restart with the
    // key: an outstanding nonce then earns stale=true instead of "opaque does not match".
    byte[] label = "AuthHost Digest opaque".getBytes(StandardCharsets.US_ASCII);
    this.opaque =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Arrays.copyOf(mac(label, label.length), 16));
  }

  /** The {@code opaque} every challenge carries and every response must echo. */
  String opaque() {
    return opaque;
  }

  /** A new nonce, issued now. */
  Minted mint() {
    byte[] nonce = new byte[LENGTH];
    ByteBuffer.wrap(nonce).putLong(clock.millis());
    byte[] randomPart = new byte[RANDOM];
    random.nextBytes(randomPart);
    System.arraycopy(randomPart, 0, nonce, TIMESTAMP, RANDOM);
    System.arraycopy(mac(nonce, TIMESTAMP + RANDOM), 0, nonce, TIMESTAMP + RANDOM, MAC);
    return new Minted(Base64.getUrlEncoder().withoutPadding().encodeToString(nonce), idOf(nonce));
  }

  /**
   * A freshly minted nonce.
   *
   * @param value the text sent to the client
   * @param id its identity in the replay cache
   */
  record Minted(String value, Id id) {}

  /** Whether this server issued {@code nonce}, and whether it is still within its lifetime. */
  Check check(String nonce) {
    return check(nonce, id -> false);
  }

  /**
   * {@link #check(String)}, skipping the MAC for a nonce {@code issued} vouches for.
   *
   * <p>Why that is safe: {@code issued} answers for the {@link Id}, which is every octet of the
   * nonce, and the {@link ReplayCache} only holds ids of nonces {@link #mint} made. An id it knows
   * is therefore octet for octet a nonce this server issued, whose MAC was right when it was made;
   * a nonce with any octet changed has another id and gets its MAC checked. This saves one HMAC per
   * request for the keep-alive client that reuses its nonce, the common case.
   */
  Check check(String nonce, Predicate<Id> issued) {
    if (nonce.length() != ENCODED_LENGTH) {
      return FORGED;
    }
    byte[] octets;
    try {
      octets = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException notBase64) {
      return FORGED;
    }
    Id id = idOf(octets);
    if (!issued.test(id) && !macMatches(octets)) {
      return FORGED;
    }
    long age = clock.millis() - id.timestamp();
    // A negative age means the clock went back; beyond the lifetime it is as doubtful as an old
    // one.
    Status status = age > lifetimeMillis || age < -lifetimeMillis ? Status.EXPIRED : Status.FRESH;
    return new Check(status, id, age);
  }

  private boolean macMatches(byte[] octets) {
    byte[] expected = Arrays.copyOf(mac(octets, TIMESTAMP + RANDOM), MAC);
    byte[] actual = Arrays.copyOfRange(octets, TIMESTAMP + RANDOM, LENGTH);
    return MessageDigest.isEqual(expected, actual);
  }

  /**
   * Whether a nonce of this age should be replaced by a {@code nextnonce}: past half its lifetime.
   */
  boolean wantsNext(Check check) {
    return check.ageMillis() > lifetimeMillis / 2;
  }

  private static Id idOf(byte[] nonce) {
    ByteBuffer b = ByteBuffer.wrap(nonce);
    return new Id(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
  }

  private byte[] mac(byte[] data, int length) {
    Mac mac = macs.poll();
    try {
      if (mac == null) {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
      }
      mac.update(data, 0, length);
      byte[] result = mac.doFinal();
      macs.offer(mac);
      return result;
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is a JCA algorithm every Java runtime must have.
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
