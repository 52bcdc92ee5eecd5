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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and checks nonces that carry their own proof of origin and age (RFC 7616 §3.3 and §5.4):
 * {@code base64url(timestamp(8) | epoch(8) | random(8) | HMAC-SHA256(key, timestamp | epoch |
 * random)[0..16))}.
 *
 * <p>The MAC means a nonce this server did not issue is recognised without any state, so garbage
 * costs one HMAC and never reaches the state service. The timestamp gives the lifetime, so an old
 * nonce is known to be old even after the store forgot its counts. The epoch names the life of the
 * store that records the counts ({@link NonceLedger}): the key outlives a restart (it is seeded
 * from {@link NonceKeyFile}), the counts of an in-memory store do not, so a nonce of another epoch
 * may have counts this store never saw; it is answered {@code stale=true} (the client retries on a
 * fresh nonce), never accepted. The random part makes each nonce of one millisecond unique. Nonces
 * are bound neither to the client's address (which breaks behind NAT and load balancers, as
 * Tomcat's do) nor to the algorithm: one nonce serves all the challenges of one 401.
 *
 * <p>Thread-safe. {@link Mac} objects are not, so a small pool keeps them: no {@code ThreadLocal},
 * which would pin this plug-in's class loader to the host's worker threads.
 */
final class NonceService {
  /** What {@link #remembrance} adds past a nonce's lifetime, for the store's clock. */
  private static final long SPARE_MILLIS = Duration.ofMinutes(1).toMillis();

  private static final int TIMESTAMP = 8;
  private static final int EPOCH = 8;
  private static final int RANDOM = 8;
  private static final int MAC = 16;
  private static final int LENGTH = TIMESTAMP + EPOCH + RANDOM + MAC;
  private static final int SIGNED = TIMESTAMP + EPOCH + RANDOM;

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
     * Issued here, but in another epoch of the state store (before a restart emptied it): its
     * counts are unknown, so it is answered like an expired one.
     */
    FORGOTTEN,
    /**
     * Not issued here (bad form or bad MAC): never stale, the client's credentials are in doubt.
     */
    FORGED
  }

  /**
   * The outcome of {@link #check}.
   *
   * @param status see {@link Status}
   * @param ageMillis how long ago it was issued (0 when {@link Status#FORGED})
   */
  record Check(Status status, long ageMillis) {}

  private static final Check FORGED = new Check(Status.FORGED, 0);

  /**
   * How many nonces {@link #check} remembers as proven. A client uses one nonce for many requests
   * (the peer benchmark 1,000, a player until it is stale), so a hit skips the HMAC and the base64
   * decoding on nearly every request; past the bound the memory is emptied and refills, costing
   * only HMACs again. About 150 bytes a nonce.
   */
  static final int PROVEN_MAX = 4_096;

  private final SecretKeySpec key;
  private final long lifetimeMillis;
  private final Clock clock;
  private final SecureRandom random;
  private final ConcurrentLinkedQueue<Mac> macs = new ConcurrentLinkedQueue<>();

  /**
   * Nonces of this epoch whose MAC matched, with their issue time. Only {@link #check} fills it,
   * after the MAC, and the whole text is the key: a hit is the proof of origin the MAC would give,
   * and a nonce with any octet changed is another key that gets the MAC. Forged nonces never enter,
   * so garbage cannot fill it.
   */
  private final ConcurrentHashMap<String, Long> proven = new ConcurrentHashMap<>();

  private final String opaque;
  private final long epoch;

  /**
   * @param key the secret of every nonce's MAC
   * @param epoch the state store's epoch (see {@link NonceLedger.Secrets})
   */
  NonceService(byte[] key, long epoch, Duration lifetime, Clock clock, SecureRandom random) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
    this.epoch = epoch;
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

  /**
   * A new nonce, issued now. Nothing is recorded: a flood of challenges costs the store nothing,
   * and the MAC alone proves later that the nonce is ours.
   */
  String mint() {
    byte[] nonce = new byte[LENGTH];
    ByteBuffer b = ByteBuffer.wrap(nonce).putLong(clock.millis()).putLong(epoch);
    byte[] randomPart = new byte[RANDOM];
    random.nextBytes(randomPart);
    b.put(randomPart);
    System.arraycopy(mac(nonce, SIGNED), 0, nonce, SIGNED, MAC);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
  }

  /** Whether this server issued {@code nonce}, in this epoch, and within its lifetime. */
  Check check(String nonce) {
    if (nonce.length() != ENCODED_LENGTH) {
      return FORGED;
    }
    Long issued = proven.get(nonce);
    if (issued != null) {
      return inEpoch(issued);
    }
    byte[] octets;
    try {
      octets = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException notBase64) {
      return FORGED;
    }
    if (!macMatches(octets)) {
      return FORGED;
    }
    ByteBuffer b = ByteBuffer.wrap(octets);
    long timestamp = b.getLong();
    if (b.getLong() != epoch) {
      return new Check(Status.FORGOTTEN, clock.millis() - timestamp);
    }
    if (proven.size() >= PROVEN_MAX) {
      proven.clear();
    }
    proven.put(nonce, timestamp);
    return inEpoch(timestamp);
  }

  /** A nonce of this epoch issued at {@code timestamp}: fresh, or expired by its age. */
  private Check inEpoch(long timestamp) {
    long age = clock.millis() - timestamp;
    // A negative age means the clock went back; beyond the lifetime it is as doubtful as an old
    // one.
    return new Check(
        age > lifetimeMillis || age < -lifetimeMillis ? Status.EXPIRED : Status.FRESH, age);
  }

  /**
   * How long the state kept for a nonce of this age must live: past the end of its lifetime (a
   * count forgotten while the nonce is still good would let a replay in), with a minute to spare
   * for the store's clock.
   */
  Duration remembrance(Check check) {
    long remaining = lifetimeMillis - check.ageMillis();
    // One Duration per request, not three: the minute is added as milliseconds.
    return Duration.ofMillis(Math.max(0, remaining) + SPARE_MILLIS);
  }

  private boolean macMatches(byte[] octets) {
    byte[] expected = Arrays.copyOf(mac(octets, SIGNED), MAC);
    byte[] actual = Arrays.copyOfRange(octets, SIGNED, LENGTH);
    return MessageDigest.isEqual(expected, actual);
  }

  /**
   * Whether a nonce of this age should be replaced by a {@code nextnonce}: past half its lifetime.
   */
  boolean wantsNext(Check check) {
    return check.ageMillis() > lifetimeMillis / 2;
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
