package org.authhost.host.state;

import static org.authhost.api.StateService.WindowClaim.FIRST;
import static org.authhost.api.StateService.WindowClaim.TOO_OLD;
import static org.authhost.api.StateService.WindowClaim.USED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** {@link StateService#claimInWindow} on the host's local store: one entry per key, atomic. */
class WindowClaimTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock();
  private final List<String> alarms = new ArrayList<>();
  private final LocalStateService store =
      new LocalStateService(
          clock,
          10,
          new LocalStateService.CapacityAlarm() {
            @Override
            public void full(int maxEntries) {
              alarms.add("full " + maxEntries);
            }

            @Override
            public void roomAgain(int maxEntries) {
              alarms.add("room " + maxEntries);
            }
          });

  private WindowClaim claim(String key, long number, int window) {
    Out<WindowClaim> result = new Out<>();
    assertEquals(HResult.S_OK, store.claimInWindow(key, number, window, MINUTE, result));
    return result.get();
  }

  @Test
  void eachNumberIsFirstOnceAndUsedAfter() {
    assertEquals(FIRST, claim("nc/a", 1, 8));
    assertEquals(USED, claim("nc/a", 1, 8), "a replay");
    assertEquals(FIRST, claim("nc/a", 2, 8));
    assertEquals(USED, claim("nc/a", 2, 8));
    assertEquals(USED, claim("nc/a", 1, 8), "still known after the window moved up");
    assertEquals(FIRST, claim("nc/b", 1, 8), "another key, another window");
  }

  @Test
  void numbersOutOfOrderInsideTheWindowAreAcceptedOnceAndThoseBelowItAreTooOld() {
    assertEquals(FIRST, claim("w", 10, 8));
    assertEquals(FIRST, claim("w", 5, 8), "behind the highest, inside the window: never seen");
    assertEquals(FIRST, claim("w", 3, 8), "the lowest the window knows (10 - 8 + 1)");
    assertEquals(TOO_OLD, claim("w", 2, 8), "8 below the highest: the window cannot tell");
    assertEquals(USED, claim("w", 5, 8));
    assertEquals(FIRST, claim("w", 12, 8));
    // 12 cleared what 4 once used in its bits (ring of 8: 4 and 12 share a bit): 4 was never used.
    assertEquals(FIRST, claim("w", 6, 8));
    assertEquals(USED, claim("w", 10, 8));
    assertEquals(TOO_OLD, claim("w", 4, 8));
    assertEquals(FIRST, claim("w", 1_000, 8), "a jump forgets the whole window");
    assertEquals(TOO_OLD, claim("w", 12, 8));
    assertEquals(FIRST, claim("w", 999, 8));
  }

  @Test
  void aWindowOf1024TakesEveryCountOfANonceInAnyOrderInOneEntry() {
    List<Long> counts = new ArrayList<>();
    for (long nc = 1; nc <= 1_000; nc++) {
      counts.add(nc);
    }
    java.util.Collections.shuffle(counts, new java.util.Random(7));
    for (long nc : counts) {
      assertEquals(FIRST, claim("nc/n", nc, 1024), "count " + nc);
    }
    for (long nc : counts) {
      assertEquals(USED, claim("nc/n", nc, 1024), "replay of count " + nc);
    }
    assertEquals(1, store.size(), "one entry for a thousand counts");
  }

  @Test
  void theBitmapGrowsOnlyAsFarAsTheNumbersUsedReach() {
    UsedNumbers used = new UsedNumbers(1024);
    for (long nc = 1; nc <= 5; nc++) {
      assertEquals(FIRST, used.claim(nc));
    }
    assertEquals(1, used.words(), "five counts: one word, not sixteen");
    assertEquals(FIRST, used.claim(700));
    assertEquals(11, used.words(), "as far as count 700 reaches");
    assertEquals(FIRST, used.claim(1023));
    assertEquals(FIRST, used.claim(1500));
    assertEquals(16, used.words(), "never more than the window's 1,024 bits");
    assertEquals(USED, used.claim(1023));
    assertEquals(TOO_OLD, used.claim(476), "1,024 below 1,500");
    assertEquals(FIRST, used.claim(477));
  }

  @Test
  void theEntryExpiresAndAFirstUseKeepsItAlive() {
    assertEquals(FIRST, claim("w", 1, 8));
    clock.advance(Duration.ofSeconds(50));
    assertEquals(FIRST, claim("w", 2, 8), "a first use: the entry now lives a minute from here");
    clock.advance(Duration.ofSeconds(50));
    assertEquals(USED, claim("w", 1, 8), "100 s after it was made, still known");
    clock.advance(Duration.ofSeconds(10));
    assertEquals(FIRST, claim("w", 1, 8), "expired a minute after the last first use");
  }

  @Test
  void badArgumentsAnotherWidthAndAnotherKindAreRefusedAndChangeNothing() {
    Out<WindowClaim> out = new Out<>();
    assertEquals(HResult.E_INVALIDARG, store.claimInWindow("w", -1, 8, MINUTE, out));
    assertEquals(HResult.E_INVALIDARG, store.claimInWindow("w", 1, 0, MINUTE, out));
    assertEquals(
        HResult.E_INVALIDARG,
        store.claimInWindow("w", 1, StateService.MAX_WINDOW + 1, MINUTE, out));
    assertEquals(HResult.E_INVALIDARG, store.claimInWindow("w", 1, 8, Duration.ZERO, out));
    assertEquals(FIRST, claim("w", 1, StateService.MAX_WINDOW));
    assertEquals(HResult.E_INVALIDARG, store.claimInWindow("w", 2, 8, MINUTE, out));
    assertEquals(USED, claim("w", 1, StateService.MAX_WINDOW), "unchanged by the refusal");

    Out<Boolean> first = new Out<>();
    assertEquals(HResult.S_OK, store.claim("c", MINUTE, first));
    assertEquals(HResult.E_INVALIDARG, store.claimInWindow("c", 1, 8, MINUTE, out));
    assertEquals(HResult.E_INVALIDARG, store.claim("w", MINUTE, first));
    assertEquals(HResult.E_INVALIDARG, store.getOrPut("w", new byte[] {1}, MINUTE, new Out<>()));
    assertEquals(HResult.E_INVALIDARG, store.increment("w", MINUTE, new Out<>()));
    assertEquals(HResult.S_OK, store.delete("w"));
    assertEquals(FIRST, claim("w", 1, 8), "deleted: a new window");
  }

  @Test
  void ofManyThreadsClaimingTheSameNumberExactlyOneIsFirst() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (long number = 1; number <= 50; number++) {
        long n = number;
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<WindowClaim>> answers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          answers.add(
              pool.submit(
                  () -> {
                    ready.countDown();
                    go.await();
                    Out<WindowClaim> result = new Out<>();
                    assertEquals(
                        HResult.S_OK, store.claimInWindow("race", n, 1024, MINUTE, result));
                    return result.get();
                  }));
        }
        ready.await();
        go.countDown();
        int first = 0;
        for (Future<WindowClaim> f : answers) {
          WindowClaim c = f.get();
          first += c == FIRST ? 1 : 0;
          assertTrue(c == FIRST || c == USED, "number " + n + ": " + c);
        }
        assertEquals(1, first, "number " + n + ": exactly one of " + threads + " threads");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theAsynchronousVariantAnswersWhatTheSynchronousOneDoesAlreadyComplete() {
    CompletableFuture<StateService.Answer<WindowClaim>> first =
        store.claimInWindowAsync("w", 3, 8, MINUTE).toCompletableFuture();
    assertTrue(first.isDone());
    assertEquals(new StateService.Answer<>(HResult.S_OK, FIRST), first.join());
    assertEquals(
        new StateService.Answer<>(HResult.S_OK, USED),
        store.claimInWindowAsync("w", 3, 8, MINUTE).toCompletableFuture().join());
    assertEquals(
        new StateService.Answer<WindowClaim>(HResult.E_INVALIDARG, null),
        store.claimInWindowAsync("w", 3, 0, MINUTE).toCompletableFuture().join());
  }

  @Test
  void aStoreWrittenBeforeTheOperationSaysSoInsteadOfPretending() {
    StateService old = new Api13Store(store);
    Out<WindowClaim> out = new Out<>();
    assertEquals(HResult.E_NOTIMPL, old.claimInWindow("w", 1, 8, MINUTE, out));
    assertEquals(null, out.get());
    assertEquals(
        HResult.E_NOTIMPL,
        old.claimInWindowAsync("w", 1, 8, MINUTE).toCompletableFuture().join().hresult());
  }

  /** A store written for API 1.3: the six operations it knew, the rest the interface's defaults. */
  private record Api13Store(StateService to) implements StateService {
    @Override
    public HResult claim(String key, Duration ttl, Out<Boolean> first) {
      return to.claim(key, ttl, first);
    }

    @Override
    public HResult increment(String key, Duration ttl, Out<Long> value) {
      return to.increment(key, ttl, value);
    }

    @Override
    public HResult getOrPut(String key, byte[] value, Duration ttl, Out<byte[]> current) {
      return to.getOrPut(key, value, ttl, current);
    }

    @Override
    public HResult get(String key, Out<byte[]> value) {
      return to.get(key, value);
    }

    @Override
    public HResult put(String key, byte[] value, Duration ttl) {
      return to.put(key, value, ttl);
    }

    @Override
    public HResult delete(String key) {
      return to.delete(key);
    }
  }

  @Test
  void aFullStoreRaisesOneAlarmForManyRefusalsAndOneWhenItHasRoomAgain() {
    for (int i = 0; i < 10; i++) {
      assertEquals(FIRST, claim("nc/" + i, 1, 8));
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(
          HResult.NS_E_NO_NEW_CONNECTIONS,
          store.claimInWindow("nc/new" + i, 1, 8, MINUTE, new Out<>()));
    }
    assertEquals(FIRST, claim("nc/3", 2, 8), "a live window still takes its counts");
    assertEquals(List.of("full 10"), alarms, "one event for a hundred refusals");
    clock.advance(MINUTE);
    assertEquals(FIRST, claim("nc/new", 1, 8), "expired entries swept when room is needed");
    assertEquals(FIRST, claim("nc/newer", 1, 8));
    assertEquals(List.of("full 10", "room 10"), alarms);
  }
}
