package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

class LocalStateServiceTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock();
  private final LocalStateService store = new LocalStateService(clock, 100);

  private boolean claim(String key, Duration ttl) {
    Out<Boolean> first = new Out<>();
    assertEquals(HResult.S_OK, store.claim(key, ttl, first));
    return first.get();
  }

  @Test
  void aKeyIsClaimedOnceUntilItExpires() {
    assertTrue(claim("nc:abc:1", MINUTE));
    assertFalse(claim("nc:abc:1", MINUTE), "a replay");
    clock.advance(MINUTE.minusNanos(1));
    assertFalse(claim("nc:abc:1", MINUTE), "still live 1 ns before expiry");
    clock.advance(Duration.ofNanos(1));
    assertTrue(claim("nc:abc:1", MINUTE), "expired exactly at its time to live");
  }

  @Test
  void onlyOneOfManyConcurrentClaimersWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        tries.add(() -> claim("race", MINUTE));
      }
      int winners = 0;
      for (Future<Boolean> f : pool.invokeAll(tries)) {
        winners += f.get() ? 1 : 0;
      }
      assertEquals(1, winners);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCounterCountsAndKeepsItsFirstExpiry() {
    Out<Long> value = new Out<>();
    store.increment("fails", MINUTE, value);
    assertEquals(1L, value.get());
    clock.advance(Duration.ofSeconds(40));
    store.increment("fails", MINUTE, value);
    assertEquals(2L, value.get());
    clock.advance(Duration.ofSeconds(20));
    store.increment("fails", MINUTE, value);
    assertEquals(1L, value.get(), "later increments do not extend the window");
  }

  @Test
  void getOrPutGivesEveryCallerTheFirstValue() {
    Out<byte[]> current = new Out<>();
    store.getOrPut("key", new byte[] {1}, MINUTE, current);
    assertArrayEquals(new byte[] {1}, current.get());
    store.getOrPut("key", new byte[] {2}, MINUTE, current);
    assertArrayEquals(new byte[] {1}, current.get());
    current.get()[0] = 9; // a caller changing its copy changes nothing stored
    Out<byte[]> read = new Out<>();
    assertEquals(HResult.S_OK, store.get("key", read));
    assertArrayEquals(new byte[] {1}, read.get());
  }

  @Test
  void absentAndDeletedKeysAnswerSFalse() {
    assertEquals(HResult.S_FALSE, store.get("none", new Out<>()));
    store.put("k", new byte[] {7}, MINUTE);
    assertEquals(HResult.S_OK, store.delete("k"));
    assertEquals(HResult.S_FALSE, store.delete("k"));
    assertEquals(HResult.S_FALSE, store.get("k", new Out<>()));
  }

  @Test
  void badArgumentsAreRefused() {
    assertEquals(HResult.E_INVALIDARG, store.claim("k", Duration.ZERO, new Out<>()));
    assertEquals(HResult.E_INVALIDARG, store.claim("k", Duration.ofSeconds(-1), new Out<>()));
    assertEquals(
        HResult.E_INVALIDARG,
        store.put("k", new byte[LocalStateService.MAX_VALUE_BYTES + 1], MINUTE));
    assertEquals(HResult.S_OK, store.put("k", new byte[LocalStateService.MAX_VALUE_BYTES], MINUTE));
  }

  @Test
  void aFullStoreRefusesNewKeysUntilEntriesExpireButKeepsAnsweringForLiveOnes() {
    for (int i = 0; i < 100; i++) {
      assertTrue(claim("n" + i, MINUTE));
    }
    assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, store.claim("n100", MINUTE, new Out<>()));
    assertFalse(claim("n5", MINUTE), "a live key still answers: a replay is still refused");
    clock.advance(MINUTE);
    assertTrue(claim("n100", MINUTE), "expired entries are swept when room is needed");
    assertEquals(1, store.size());
  }

  @Test
  void aKeyHoldsOneKindAndAnOperationOfAnotherKindChangesNothing() {
    assertTrue(claim("nc:n:1", MINUTE));
    assertEquals(
        HResult.E_INVALIDARG, store.getOrPut("nc:n:1", new byte[] {1}, MINUTE, new Out<>()));
    assertEquals(HResult.E_INVALIDARG, store.put("nc:n:1", new byte[] {1}, MINUTE));
    assertEquals(HResult.E_INVALIDARG, store.increment("nc:n:1", MINUTE, new Out<>()));
    assertEquals(HResult.E_INVALIDARG, store.get("nc:n:1", new Out<>()));
    assertFalse(claim("nc:n:1", MINUTE), "still claimed: the replay is still refused");

    store.increment("fails", MINUTE, new Out<>());
    assertEquals(HResult.E_INVALIDARG, store.claim("fails", MINUTE, new Out<>()));
    store.put("secret", new byte[] {7}, MINUTE);
    assertEquals(HResult.E_INVALIDARG, store.increment("secret", MINUTE, new Out<>()));
    assertEquals(HResult.S_OK, store.delete("nc:n:1"));
    assertTrue(claim("nc:n:1", MINUTE), "delete works on every kind");
  }

  @Test
  void theAsynchronousVariantsAnswerWhatTheSynchronousOnesDoAlreadyComplete() {
    CompletableFuture<StateService.Answer<Boolean>> first =
        store.claimAsync("nc:1", MINUTE).toCompletableFuture();
    assertTrue(first.isDone(), "a local store never makes a plug-in wait");
    assertEquals(new StateService.Answer<>(HResult.S_OK, true), first.join());
    assertEquals(false, store.claimAsync("nc:1", MINUTE).toCompletableFuture().join().value());
    assertEquals(
        2L,
        (long)
            join(store
                    .incrementAsync("n", MINUTE)
                    .thenCompose(a -> store.incrementAsync("n", MINUTE)))
                .value());
    assertArrayEquals(
        new byte[] {7}, join(store.getOrPutAsync("k", new byte[] {7}, MINUTE)).value());
    assertEquals(HResult.S_OK, join(store.putAsync("k", new byte[] {8}, MINUTE)).hresult());
    assertArrayEquals(new byte[] {8}, join(store.getAsync("k")).value());
    assertEquals(HResult.S_OK, join(store.deleteAsync("k")).hresult());
    StateService.Answer<byte[]> gone = join(store.getAsync("k"));
    assertEquals(HResult.S_FALSE, gone.hresult());
    assertEquals(null, gone.value());
    // A failure is an answer, never an exceptional stage.
    StateService.Answer<Boolean> bad = join(store.claimAsync("k", Duration.ZERO));
    assertEquals(HResult.E_INVALIDARG, bad.hresult());
    assertFalse(bad.succeeded());
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    CompletableFuture<T> f = stage.toCompletableFuture();
    assertTrue(f.isDone());
    return f.join();
  }
}
