package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** Replay protection: the nc window of one nonce, and the bounded cache of nonces. */
class ReplayCacheTest {
  private static final NcWindow.Result ACCEPTED = NcWindow.Result.ACCEPTED;
  private static final NcWindow.Result REPLAYED = NcWindow.Result.REPLAYED;
  private static final NcWindow.Result TOO_OLD = NcWindow.Result.TOO_OLD;

  @Test
  void aRepeatedCountIsRefused() {
    NcWindow w = new NcWindow();
    assertEquals(ACCEPTED, w.accept(1));
    assertEquals(REPLAYED, w.accept(1));
    assertEquals(ACCEPTED, w.accept(2));
    assertEquals(REPLAYED, w.accept(1));
    assertEquals(REPLAYED, w.accept(2));
  }

  @Test
  void aNextNonceIsOfferedOncePerNonce() {
    NcWindow w = new NcWindow();
    Assertions.assertTrue(w.claimNext());
    Assertions.assertFalse(w.claimNext());
  }

  @Test
  void countsOutOfOrderAreAcceptedOnce() {
    // Parallel connections sharing one nonce: 5 arrives first, then 3, 1, 4, 2.
    NcWindow w = new NcWindow();
    for (long nc : new long[] {5, 3, 1, 4, 2}) {
      assertEquals(ACCEPTED, w.accept(nc), "nc " + nc);
    }
    for (long nc = 1; nc <= 5; nc++) {
      assertEquals(REPLAYED, w.accept(nc), "nc " + nc + " again");
    }
    assertEquals(ACCEPTED, w.accept(7));
    assertEquals(ACCEPTED, w.accept(6));
  }

  @Test
  void theWindowReachesSizeMinusOneBelowTheHighest() {
    NcWindow w = new NcWindow();
    assertEquals(ACCEPTED, w.accept(2000));
    assertEquals(ACCEPTED, w.accept(2000 - (NcWindow.SIZE - 1)), "the far edge");
    assertEquals(
        TOO_OLD, w.accept(2000 - NcWindow.SIZE), "past it: the window cannot tell if it was used");
    assertEquals(REPLAYED, w.accept(2000 - (NcWindow.SIZE - 1)));
  }

  @Test
  void jumpsToTheEdgeAndBeyondKeepWhatTheyMust() {
    NcWindow w = new NcWindow();
    assertEquals(ACCEPTED, w.accept(1));
    assertEquals(ACCEPTED, w.accept(NcWindow.SIZE)); // 1 is now at the window's far edge
    assertEquals(REPLAYED, w.accept(1));
    assertEquals(ACCEPTED, w.accept(2));
    assertEquals(ACCEPTED, w.accept(5000)); // a jump beyond the window: all of it falls out
    assertEquals(TOO_OLD, w.accept(NcWindow.SIZE));
    assertEquals(ACCEPTED, w.accept(4999));
    assertEquals(ACCEPTED, w.accept(0xFFFFFFFFL), "the largest nc");
    assertEquals(REPLAYED, w.accept(0xFFFFFFFFL));
  }

  private static NonceService.Id id(long n) {
    return new NonceService.Id(n * 7, n * 31, n, n * 5, n * 3);
  }

  @Test
  void anUnknownNonceIsNeverAccepted() {
    ReplayCache cache = new ReplayCache(4, 1);
    assertEquals(ReplayCache.Result.UNKNOWN, cache.use(id(1), 1));
    cache.register(id(1));
    assertEquals(ReplayCache.Result.ACCEPTED, cache.use(id(1), 1));
    assertEquals(ReplayCache.Result.REPLAYED, cache.use(id(1), 1));
  }

  @Test
  void issuedKnowsOnlyRegisteredNoncesAndIsNotAUse() {
    ReplayCache cache = new ReplayCache(2, 1);
    NonceService.Id one = id(1);
    cache.register(one);
    cache.register(id(2));
    assertTrue(cache.issued(one));
    // The same random part with another MAC is another nonce: a forgery must not pass for it.
    assertFalse(
        cache.issued(
            new NonceService.Id(
                one.timestamp(), one.high(), one.low(), one.macHigh() ^ 1, one.macLow())));
    assertFalse(
        cache.issued(
            new NonceService.Id(
                one.timestamp() + 1, one.high(), one.low(), one.macHigh(), one.macLow())));
    assertFalse(cache.issued(id(3)), "asking never enters a nonce");
    assertEquals(ReplayCache.Result.UNKNOWN, cache.use(id(3), 1));
    cache.register(id(4)); // evicts 1: issued() did not make it recently used
    assertFalse(cache.issued(one));
    assertTrue(cache.issued(id(2)));
  }

  @Test
  void evictionDropsTheLeastRecentlyUsedAndNeverReopensAReplay() {
    ReplayCache cache = new ReplayCache(2, 2, 1);
    cache.register(id(1));
    cache.register(id(2));
    assertEquals(ReplayCache.Result.ACCEPTED, cache.use(id(1), 1));
    assertEquals(ReplayCache.Result.ACCEPTED, cache.use(id(2), 1));
    assertEquals(ReplayCache.Result.ACCEPTED, cache.use(id(1), 2)); // 1 is now the most recent
    cache.register(id(3));
    assertEquals(ReplayCache.Result.ACCEPTED, cache.use(id(3), 1)); // evicts 2, the least recent
    // Nonce 2 is forgotten: none of its counts is accepted again (UNKNOWN is answered stale=true).
    assertEquals(ReplayCache.Result.UNKNOWN, cache.use(id(2), 1));
    assertEquals(ReplayCache.Result.UNKNOWN, cache.use(id(2), 2));
    for (long n = 100; n < 110; n++) {
      cache.register(id(n)); // a flood of challenges: only the issued generation turns over
    }
    assertEquals(ReplayCache.Result.ACCEPTED, cache.use(id(1), 3));
    assertEquals(ReplayCache.Result.REPLAYED, cache.use(id(1), 1));
  }

  @Test
  void capacityIsShared() {
    ReplayCache cache = new ReplayCache(1_000, 16);
    for (long n = 0; n < 100_000; n++) {
      cache.register(id(n));
    }
    int known = 0;
    for (long n = 0; n < 100_000; n++) {
      if (cache.use(id(n), 1) != ReplayCache.Result.UNKNOWN) {
        known++;
      }
    }
    assertEquals(992, known, "16 segments of 62: never more than the capacity");
  }

  @Test
  void parallelUsersOfOneNonceGetEachCountExactlyOnce() throws Exception {
    ReplayCache cache = new ReplayCache(1_000, 16);
    cache.register(id(7));
    AtomicInteger accepted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.execute(
          () -> {
            for (long nc = 1; nc <= 2_000; nc++) {
              if (cache.use(id(7), nc) == ReplayCache.Result.ACCEPTED) {
                accepted.incrementAndGet();
              }
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.SECONDS);
    assertEquals(2_000, accepted.get());
  }

  @Test
  void aFloodOfChallengesTurnsOverOnlyTheIssuedGenerationNeverTheWindowsInUse() {
    ReplayCache cache = new ReplayCache(4, 2, 1);
    NonceService.Id inUse = id(1);
    cache.register(inUse);
    assertEquals(ReplayCache.Result.ACCEPTED, cache.use(inUse, 1));
    NonceService.Id waiting = id(2);
    cache.register(waiting);
    for (int i = 100; i < 1_100; i++) {
      cache.register(id(i)); // unauthenticated requests, each challenged with a fresh nonce
    }
    assertEquals(ReplayCache.Result.REPLAYED, cache.use(inUse, 1), "its window survived");
    assertEquals(ReplayCache.Result.ACCEPTED, cache.use(inUse, 2));
    assertEquals(
        ReplayCache.Result.UNKNOWN,
        cache.use(waiting, 1),
        "an unused nonce pushed out answers stale: never accepted without its window");
    assertTrue(cache.issued(id(1_099)));
    assertFalse(cache.issued(id(100)));
  }
}
