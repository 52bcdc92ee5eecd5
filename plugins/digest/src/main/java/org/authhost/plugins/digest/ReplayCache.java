package org.authhost.plugins.digest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nonces this plug-in issued and the counts used with each, in bounded memory.
 *
 * <p>Every nonce is entered when it is issued, in a small generation of its own that holds only its
 * identity; the first accepted response moves it into the main cache with its count window ({@link
 * NcWindow}). A response is accepted only for a nonce still in either, and only with a count not
 * used before. So a flood of challenges (every unauthenticated request gets a fresh nonce) only
 * turns over the small generation and never the windows of nonces clients are using, and the heap a
 * flood leaves behind stays small: the issued generation is about 1.5 MB when full. A nonce that is
 * not in the cache (issued before a restart, or evicted) is answered {@code stale=true}: the client
 * proved it knows the password, so it simply retries with a fresh nonce. That is what keeps a flood
 * harmless. The nginx digest module refuses every logon once its table is full; Apache forgets
 * whole buckets. Here a flood of challenges or garbage can only push nonces out, and the worst a
 * legitimate client sees is one extra round trip. Forgetting a nonce never opens a replay: a
 * forgotten nonce is never accepted again.
 *
 * <p>Capacity is fixed, split into segments that each evict their least recently used nonce, so
 * that parallel requests rarely wait on one lock. Each entry costs about 140 bytes: 100,000 nonces,
 * the default, are about 14 MB.
 */
final class ReplayCache {
  /** The default capacity: far more nonces than a five-minute lifetime sees on one server. */
  static final int DEFAULT_CAPACITY = 100_000;

  /**
   * Nonces issued and not used yet, kept at most: a client answers its challenge within a round
   * trip, so even a flood of 40,000 challenges a second leaves a nonce 0.4 s to be used.
   */
  static final int DEFAULT_ISSUED_CAPACITY = 16_384;

  private static final int DEFAULT_SEGMENTS = 16;

  /** What {@link #use} found. */
  enum Result {
    /** The count was new for this nonce: accept the request. */
    ACCEPTED,
    /** The count was used before: a replay. */
    REPLAYED,
    /** The count is too far below the highest to tell: the client should take a fresh nonce. */
    TOO_OLD,
    /** The nonce is not known (evicted, or issued before a restart): stale. */
    UNKNOWN
  }

  private final Segment[] segments;

  /** A cache of {@link #DEFAULT_CAPACITY} nonces. */
  ReplayCache() {
    this(DEFAULT_CAPACITY, DEFAULT_SEGMENTS);
  }

  /**
   * @param capacity the most nonces kept, at least {@code segments}
   * @param segments how many independently locked parts; 1 gives exact LRU order (for tests)
   */
  ReplayCache(int capacity, int segments) {
    this(capacity, capacity, segments);
  }

  /**
   * @param capacity the most nonces in use kept, at least {@code segments}
   * @param issuedCapacity the most nonces issued and not used yet kept, at least {@code segments}
   * @param segments how many independently locked parts; 1 gives exact LRU order (for tests)
   */
  ReplayCache(int capacity, int issuedCapacity, int segments) {
    if (segments < 1 || capacity < segments || issuedCapacity < segments) {
      throw new IllegalArgumentException(
          "capacity " + capacity + ", " + issuedCapacity + " and segments " + segments);
    }
    this.segments = new Segment[segments];
    for (int i = 0; i < segments; i++) {
      this.segments[i] = new Segment(capacity / segments, issuedCapacity / segments);
    }
  }

  /** Enters a nonce just issued, with no count used yet. */
  void register(NonceService.Id id) {
    Segment s = segment(id);
    synchronized (s) {
      s.issued.put(id, Boolean.TRUE);
    }
  }

  /**
   * Whether {@code id} is a nonce issued here and still remembered. Entries are only ever made by
   * {@link #register} for a nonce just minted, so {@link NonceService} may take a yes as proof of
   * origin. Does not count as a use: the LRU order stays as it was.
   */
  boolean issued(NonceService.Id id) {
    Segment s = segment(id);
    synchronized (s) {
      return s.containsKey(id) || s.issued.containsKey(id);
    }
  }

  /**
   * Records one use of a nonce with count {@code nc} (at least 1; the RFC 2069 form, which has no
   * count, uses 1, so such a nonce is accepted once).
   */
  Result use(NonceService.Id id, long nc) {
    Segment s = segment(id);
    synchronized (s) {
      NcWindow window = s.get(id); // also marks it recently used
      if (window == null) {
        if (s.issued.remove(id) == null) {
          return Result.UNKNOWN;
        }
        // Its first use: from now on its counts are remembered.
        window = new NcWindow();
        s.put(id, window);
      }
      return switch (window.accept(nc)) {
        case ACCEPTED -> Result.ACCEPTED;
        case REPLAYED -> Result.REPLAYED;
        case TOO_OLD -> Result.TOO_OLD;
      };
    }
  }

  /**
   * True once per nonce: whether a {@code nextnonce} may be sent with this success. Clients that
   * ignore {@code nextnonce} would otherwise be sent a new one with every request, and each new
   * nonce takes a place in this cache.
   */
  boolean claimNext(NonceService.Id id) {
    Segment s = segment(id);
    synchronized (s) {
      NcWindow window = s.get(id);
      return window != null && window.claimNext();
    }
  }

  private Segment segment(NonceService.Id id) {
    // The id is random, so its low bits spread nonces evenly.
    return segments[(int) Math.floorMod(id.low(), (long) segments.length)];
  }

  /**
   * One part of the cache: the nonces in use, a {@link LinkedHashMap} in access order that drops
   * its eldest entry, and the nonces issued and not used yet, which drop their oldest.
   */
  private static final class Segment extends LinkedHashMap<NonceService.Id, NcWindow> {
    private static final long serialVersionUID = 1L;
    private final int capacity;
    final Map<NonceService.Id, Boolean> issued;

    Segment(int capacity, int issuedCapacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
      this.issued =
          new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<NonceService.Id, Boolean> eldest) {
              return size() > issuedCapacity;
            }
          };
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<NonceService.Id, NcWindow> eldest) {
      return size() > capacity;
    }
  }
}
