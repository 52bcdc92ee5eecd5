package org.authhost.host.state;

import static org.authhost.api.StateService.WindowClaim.FIRST;
import static org.authhost.api.StateService.WindowClaim.TOO_OLD;
import static org.authhost.api.StateService.WindowClaim.USED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.api.StateService.WindowClaim;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of the host's {@link StateService} does, run against each: the
 * in-memory store ({@link LocalStateBehaviourTest}) and the Redis one ({@link
 * RedisStateBehaviourTest}). A store is only as good as the replay checks built on it, so both must
 * answer alike, to the last HRESULT.
 */
abstract class StateServiceBehaviour {
  static final Duration MINUTE = Duration.ofMinutes(1);

  /** The store under test, empty. */
  abstract StateService store();

  /**
   * A time to live that {@link #outlive} can wait out: a minute on a fake clock, a fraction of a
   * second of Redis's own clock.
   */
  abstract Duration shortTtl();

  /** Returns once {@code key}, written with {@link #shortTtl()}, has expired. */
  abstract void outlive(String key) throws Exception;

  /** Fills the store so that a write needing a new entry is refused. */
  abstract void fill() throws Exception;

  /** Makes room again after {@link #fill()}. */
  abstract void makeRoom() throws Exception;

  /**
   * Whether a full store still answers for entries it holds (the local one); Redis above its
   * maxmemory refuses every script, reads included.
   */
  boolean answersLiveEntriesWhenFull() {
    return true;
  }

  /** How often the store reported itself full, and had room again. */
  final AtomicInteger fullAlarms = new AtomicInteger();

  final AtomicInteger roomAlarms = new AtomicInteger();

  final LocalStateService.CapacityAlarm alarm =
      new LocalStateService.CapacityAlarm() {
        @Override
        public void full(int maxEntries) {
          fullAlarms.incrementAndGet();
        }

        @Override
        public void roomAgain(int maxEntries) {
          roomAlarms.incrementAndGet();
        }
      };

  private boolean claim(String key, Duration ttl) {
    Out<Boolean> first = new Out<>();
    assertEquals(HResult.S_OK, store().claim(key, ttl, first));
    return first.get();
  }

  private WindowClaim window(String key, long number, int width) {
    Out<WindowClaim> result = new Out<>();
    assertEquals(HResult.S_OK, store().claimInWindow(key, number, width, MINUTE, result));
    return result.get();
  }

  @Test
  void aKeyIsClaimedOnceUntilItExpires() throws Exception {
    assertTrue(claim("plugin/t/once", shortTtl()));
    assertFalse(claim("plugin/t/once", shortTtl()), "a replay");
    outlive("plugin/t/once");
    assertTrue(claim("plugin/t/once", shortTtl()), "expired");
  }

  @Test
  void ofManyThreadsClaimingOneKeyExactlyOneIsFirst() throws Exception {
    List<Boolean> answers = race(32, () -> claim("plugin/t/race", MINUTE));
    assertEquals(1, answers.stream().filter(b -> b).count());
  }

  @Test
  void aCounterCountsAndLaterIncrementsDoNotExtendIt() throws Exception {
    Out<Long> value = new Out<>();
    assertEquals(HResult.S_OK, store().increment("plugin/t/n", shortTtl(), value));
    assertEquals(1L, value.get());
    assertEquals(HResult.S_OK, store().increment("plugin/t/n", MINUTE, value));
    assertEquals(2L, value.get());
    outlive("plugin/t/n");
    assertEquals(HResult.S_OK, store().increment("plugin/t/n", MINUTE, value));
    assertEquals(1L, value.get(), "expired with its first time to live, not the later one");
  }

  @Test
  void getOrPutGivesEveryCallerTheFirstValueAndGetPutDeleteAgree() {
    Out<byte[]> current = new Out<>();
    assertEquals(
        HResult.S_OK, store().getOrPut("plugin/t/key", new byte[] {1, 0}, MINUTE, current));
    assertArrayEquals(new byte[] {1, 0}, current.get());
    assertEquals(HResult.S_OK, store().getOrPut("plugin/t/key", new byte[] {2}, MINUTE, current));
    assertArrayEquals(new byte[] {1, 0}, current.get(), "the first value, not the second");
    Out<byte[]> read = new Out<>();
    assertEquals(HResult.S_OK, store().get("plugin/t/key", read));
    assertArrayEquals(new byte[] {1, 0}, read.get());
    assertEquals(HResult.S_OK, store().put("plugin/t/key", new byte[0], MINUTE));
    assertEquals(HResult.S_OK, store().get("plugin/t/key", read));
    assertArrayEquals(new byte[0], read.get(), "an empty value is a value");
    assertEquals(HResult.S_OK, store().delete("plugin/t/key"));
    assertEquals(HResult.S_FALSE, store().delete("plugin/t/key"));
    Out<byte[]> none = new Out<>();
    assertEquals(HResult.S_FALSE, store().get("plugin/t/key", none));
    assertNull(none.get());
  }

  @Test
  void ofManyThreadsPuttingDifferentValuesEveryOneGetsTheSameValue() throws Exception {
    AtomicInteger n = new AtomicInteger();
    List<byte[]> answers =
        race(
            16,
            () -> {
              Out<byte[]> current = new Out<>();
              byte[] mine = {(byte) n.incrementAndGet()};
              assertEquals(
                  HResult.S_OK, store().getOrPut("plugin/t/secret", mine, MINUTE, current));
              return current.get();
            });
    for (byte[] a : answers) {
      assertArrayEquals(answers.get(0), a, "one nonce key for every host and thread");
    }
  }

  @Test
  void windowNumbersAreFirstOnceInAnyOrderAndThoseBelowItAreTooOld() {
    assertEquals(FIRST, window("plugin/t/w", 10, 8));
    assertEquals(USED, window("plugin/t/w", 10, 8), "a replay");
    assertEquals(FIRST, window("plugin/t/w", 5, 8), "behind the highest, inside the window");
    assertEquals(FIRST, window("plugin/t/w", 3, 8), "the lowest the window knows");
    assertEquals(TOO_OLD, window("plugin/t/w", 2, 8));
    assertEquals(USED, window("plugin/t/w", 5, 8));
    assertEquals(FIRST, window("plugin/t/w", 12, 8));
    assertEquals(FIRST, window("plugin/t/w", 6, 8), "12 cleared the bit 4 once shared");
    assertEquals(USED, window("plugin/t/w", 10, 8));
    assertEquals(TOO_OLD, window("plugin/t/w", 4, 8));
    assertEquals(FIRST, window("plugin/t/w", 1_000, 8), "a jump forgets the whole window");
    assertEquals(TOO_OLD, window("plugin/t/w", 12, 8));
    assertEquals(FIRST, window("plugin/t/w", 999, 8));
    assertEquals(FIRST, window("plugin/t/other", 10, 8), "another key, another window");
  }

  @Test
  void aWindowOf1024TakesEveryCountOfANonceInAnyOrder() {
    List<Long> counts = new ArrayList<>();
    for (long nc = 1; nc <= 1_000; nc++) {
      counts.add(nc);
    }
    Collections.shuffle(counts, new Random(7));
    for (long nc : counts) {
      assertEquals(FIRST, window("plugin/t/nc", nc, 1024), "count " + nc);
    }
    for (long nc : counts) {
      assertEquals(USED, window("plugin/t/nc", nc, 1024), "replay of count " + nc);
    }
    assertEquals(FIRST, window("plugin/t/nc", 2_100, 1024));
    assertEquals(TOO_OLD, window("plugin/t/nc", 1_000, 1024));
  }

  @Test
  void aWindowExpiresWithItsTimeToLive() throws Exception {
    Out<WindowClaim> result = new Out<>();
    assertEquals(HResult.S_OK, store().claimInWindow("plugin/t/exp", 1, 8, shortTtl(), result));
    assertEquals(FIRST, result.get());
    outlive("plugin/t/exp");
    assertEquals(HResult.S_OK, store().claimInWindow("plugin/t/exp", 1, 8, shortTtl(), result));
    assertEquals(FIRST, result.get(), "a new window after expiry");
  }

  @Test
  void ofManyThreadsClaimingTheSameNumberExactlyOneIsFirst() throws Exception {
    for (long number = 1; number <= 20; number++) {
      long n = number;
      List<WindowClaim> answers = race(16, () -> window("plugin/t/race", n, 1024));
      assertEquals(
          1, answers.stream().filter(c -> c == FIRST).count(), "number " + n + ": " + answers);
      assertTrue(answers.stream().allMatch(c -> c == FIRST || c == USED), answers.toString());
    }
  }

  @Test
  void windowNumbersStopAtTheHighestAScriptsNumbersHoldExactly() {
    long top = StateService.MAX_WINDOW_NUMBER;
    Out<WindowClaim> out = new Out<>();
    for (long refused : new long[] {top + 1, top + 2, Long.MAX_VALUE}) {
      assertEquals(
          HResult.E_INVALIDARG, store().claimInWindow("plugin/t/top", refused, 64, MINUTE, out));
    }
    assertEquals(FIRST, window("plugin/t/top", top - 32, 64), "nothing was stored by a refusal");
    assertEquals(FIRST, window("plugin/t/top", top, 64));
    assertEquals(FIRST, window("plugin/t/top", top - 16, 64), "late, inside the window");
    assertEquals(USED, window("plugin/t/top", top, 64));
    assertEquals(USED, window("plugin/t/top", top - 32, 64));
    assertEquals(USED, window("plugin/t/top", top - 16, 64));
  }

  @Test
  void aKeyHoldsOneKindAndBadArgumentsChangeNothing() {
    Out<WindowClaim> out = new Out<>();
    StateService s = store();
    assertEquals(HResult.E_INVALIDARG, s.claimInWindow("plugin/t/w", -1, 8, MINUTE, out));
    assertEquals(HResult.E_INVALIDARG, s.claimInWindow("plugin/t/w", 1, 0, MINUTE, out));
    assertEquals(
        HResult.E_INVALIDARG,
        s.claimInWindow("plugin/t/w", 1, StateService.MAX_WINDOW + 1, MINUTE, out));
    assertEquals(HResult.E_INVALIDARG, s.claimInWindow("plugin/t/w", 1, 8, Duration.ZERO, out));
    assertEquals(HResult.E_INVALIDARG, s.claim("plugin/t/c", Duration.ofSeconds(-1), new Out<>()));
    assertEquals(
        HResult.E_INVALIDARG,
        s.put("plugin/t/v", new byte[StateService.MAX_VALUE_BYTES + 1], MINUTE));
    assertEquals(FIRST, window("plugin/t/w", 1, StateService.MAX_WINDOW));
    assertEquals(HResult.E_INVALIDARG, s.claimInWindow("plugin/t/w", 2, 8, MINUTE, out));
    assertEquals(USED, window("plugin/t/w", 1, StateService.MAX_WINDOW), "unchanged");

    assertTrue(claim("plugin/t/c", MINUTE));
    assertEquals(HResult.E_INVALIDARG, s.claimInWindow("plugin/t/c", 1, 8, MINUTE, out));
    assertEquals(HResult.E_INVALIDARG, s.claim("plugin/t/w", MINUTE, new Out<>()));
    assertEquals(
        HResult.E_INVALIDARG, s.getOrPut("plugin/t/w", new byte[] {1}, MINUTE, new Out<>()));
    assertEquals(HResult.E_INVALIDARG, s.put("plugin/t/w", new byte[] {1}, MINUTE));
    assertEquals(HResult.E_INVALIDARG, s.get("plugin/t/w", new Out<>()));
    assertEquals(HResult.E_INVALIDARG, s.increment("plugin/t/w", MINUTE, new Out<>()));
    assertEquals(HResult.E_INVALIDARG, s.increment("plugin/t/c", MINUTE, new Out<>()));
    assertFalse(claim("plugin/t/c", MINUTE), "still the same claim");
    assertEquals(HResult.S_OK, s.delete("plugin/t/w"));
    assertEquals(FIRST, window("plugin/t/w", 1, 8), "deleted: a new window of another width");
  }

  @Test
  void theAsynchronousVariantsAnswerWhatTheSynchronousOnesDo() {
    StateService s = store();
    assertEquals(
        new StateService.Answer<>(HResult.S_OK, FIRST),
        s.claimInWindowAsync("plugin/t/a", 3, 8, MINUTE).toCompletableFuture().join());
    assertEquals(
        new StateService.Answer<>(HResult.S_OK, USED),
        s.claimInWindowAsync("plugin/t/a", 3, 8, MINUTE).toCompletableFuture().join());
    assertEquals(
        new StateService.Answer<>(HResult.S_OK, true),
        s.claimAsync("plugin/t/b", MINUTE).toCompletableFuture().join());
    assertEquals(
        new StateService.Answer<>(HResult.S_OK, 1L),
        s.incrementAsync("plugin/t/i", MINUTE).toCompletableFuture().join());
    assertArrayEquals(
        new byte[] {9},
        s.getOrPutAsync("plugin/t/v", new byte[] {9}, MINUTE).toCompletableFuture().join().value());
    assertArrayEquals(
        new byte[] {9}, s.getAsync("plugin/t/v").toCompletableFuture().join().value());
    assertEquals(HResult.S_OK, s.deleteAsync("plugin/t/v").toCompletableFuture().join().hresult());
    assertEquals(
        new StateService.Answer<byte[]>(HResult.S_FALSE, null),
        s.getAsync("plugin/t/v").toCompletableFuture().join());
  }

  @Test
  void aFullStoreRefusesNewEntriesWithOneAlarmAndTakesThemWhenThereIsRoom() throws Exception {
    assertTrue(claim("plugin/t/before", MINUTE));
    fill();
    for (int i = 0; i < 5; i++) {
      assertEquals(
          HResult.NS_E_NO_NEW_CONNECTIONS,
          store().claimInWindow("plugin/t/full" + i, 1, 8, MINUTE, new Out<>()),
          "no room for a new nonce: the client gets 503, never an accepted replay");
    }
    assertEquals(1, fullAlarms.get(), "one alarm for many refusals");
    if (answersLiveEntriesWhenFull()) {
      assertFalse(claim("plugin/t/before", MINUTE), "a live entry still answers");
    }
    makeRoom();
    assertEquals(FIRST, window("plugin/t/after", 1, 8));
    assertEquals(FIRST, window("plugin/t/after2", 1, 8));
    assertEquals(1, roomAlarms.get(), "and one when there is room again");
  }

  /** Runs {@code task} on {@code threads} threads at once, released together. */
  static <T> List<T> race(int threads, java.util.concurrent.Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return task.call();
                }));
      }
      ready.await();
      go.countDown();
      List<T> answers = new ArrayList<>();
      for (Future<T> f : futures) {
        answers.add(f.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }
}
