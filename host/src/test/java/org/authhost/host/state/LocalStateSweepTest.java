package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory store sweeps expired entries on the scheduler, not only once it is full: a
 * long-running host does not keep every expired nonce on the heap, and what is live stays.
 */
class LocalStateSweepTest {
  private static final Duration TTL = Duration.ofSeconds(10);

  /** Past an entry's expiry, the grace, and one more sweep period. */
  private static final Duration UNTIL_SWEPT =
      TTL.plus(LocalStateService.SWEEP_GRACE).plus(HostState.SWEEP_EVERY).plusMillis(1);

  private final MutableClock clock = new MutableClock();

  @TempDir Path dir;

  private static void claim(StateService store, String key) {
    Out<Boolean> first = new Out<>();
    assertEquals(HResult.S_OK, store.claim(key, TTL, first));
    assertTrue(first.get());
  }

  private static WindowClaim inWindow(StateService store, String key, long number) {
    Out<WindowClaim> result = new Out<>();
    assertEquals(HResult.S_OK, store.claimInWindow(key, number, 1024, TTL, result));
    return result.get();
  }

  @Test
  void theHostsSchedulerSweepsExpiredEntriesWhileTheStoreIsFarFromFull() throws Exception {
    Files.writeString(dir.resolve("host.json"), "{ \"serverName\": \"t\" }");
    Injector host = AuthHost.services(ConfigLoader.load(dir), FakeTime.of(clock));
    HostState state = host.getInstance(HostState.class);
    LocalStateService local = host.getInstance(LocalStateService.class);
    state.start();
    try {
      for (int i = 0; i < 100; i++) {
        claim(state.store(), "nc:" + i);
      }
      clock.advance(TTL);
      assertEquals(100, local.size(), "expired, but still within the grace");
      clock.advance(UNTIL_SWEPT.minus(TTL));
      assertEquals(0, local.size(), "swept without any write");
    } finally {
      state.stop();
    }
    claim(state.store(), "after-stop");
    clock.advance(UNTIL_SWEPT);
    assertEquals(1, local.size(), "a stopped host's store is not swept");
  }

  /**
   * A run looks at a fortieth of the store (at least 1,000 entries; at most 10,000, as before), so
   * that a store of some thousands is not passed over several times a second.
   */
  @Test
  void aRunLooksAtAFortiethOfTheStoreWithinItsBounds() {
    LocalStateService store = new LocalStateService(clock, 1_000_000);
    for (int i = 0; i < 80_000; i++) {
      claim(store, "nc:" + i);
    }
    clock.advance(UNTIL_SWEPT);
    assertEquals(2_000, store.sweepSome(), "a fortieth of 80,000");
    assertEquals(78_000 / 40, store.sweepSome(), "a fortieth of what is left");
    LocalStateService small = new LocalStateService(clock, 1_000_000);
    for (int i = 0; i < 1_500; i++) {
      claim(small, "nc:" + i);
    }
    clock.advance(UNTIL_SWEPT);
    assertEquals(1_000, small.sweepSome(), "never fewer than 1,000");
    assertEquals(500, small.sweepSome(), "the rest, and the pass ends");
  }

  @Test
  void aLiveEntryIsNeverSwept() {
    LocalStateService store = new LocalStateService(clock, 100);
    claim(store, "short");
    Out<Boolean> first = new Out<>();
    store.claim("long", Duration.ofMinutes(1), first);
    clock.advance(TTL.minusNanos(1));
    assertEquals(0, store.sweepSome());
    clock.advance(LocalStateService.SWEEP_GRACE);
    assertEquals(0, store.sweepSome(), "expired less than the grace ago");
    clock.advance(Duration.ofNanos(1));
    assertEquals(1, store.sweepSome());
    store.claim("long", Duration.ofMinutes(1), first);
    assertEquals(false, first.get(), "the live claim is still there");
  }

  @Test
  void aWindowRenewedBeforeItsExpiryKeepsItsUsedNumbers() {
    LocalStateService store = new LocalStateService(clock, 100);
    assertEquals(WindowClaim.FIRST, inWindow(store, "nonce", 1));
    clock.advance(TTL.minusSeconds(1));
    assertEquals(WindowClaim.FIRST, inWindow(store, "nonce", 2)); // renews it
    clock.advance(Duration.ofSeconds(1).plus(LocalStateService.SWEEP_GRACE).plusMillis(1));
    assertEquals(0, store.sweepSome());
    assertEquals(WindowClaim.USED, inWindow(store, "nonce", 1), "not reset by the sweep");
  }

  @Test
  void theStoreReportsRoomAgainWhenTheSweepEmptiesIt() {
    List<String> told = new CopyOnWriteArrayList<>();
    LocalStateService store =
        new LocalStateService(
            clock,
            100,
            new LocalStateService.CapacityAlarm() {
              @Override
              public void full(int maxEntries) {
                told.add("full");
              }

              @Override
              public void roomAgain(int maxEntries) {
                told.add("room");
              }
            });
    for (int i = 0; i < 100; i++) {
      claim(store, "nc:" + i);
    }
    assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, store.claim("one-more", TTL, new Out<Boolean>()));
    assertEquals(List.of("full"), told);
    clock.advance(UNTIL_SWEPT);
    assertEquals(100, store.sweepSome());
    assertEquals(List.of("full", "room"), told, "told with no write");
    store.sweepSome();
    assertEquals(List.of("full", "room"), told, "once per episode");
  }

  /**
   * Claimers renew windows while sweeps run and entries around them expire: every number is
   * accepted once, however the sweep's removals fall among the claims.
   */
  @Test
  void claimsRacingSweepsAcceptEachNumberOnce() throws Exception {
    LocalStateService store = new LocalStateService(clock, 100_000);
    int numbers = 20_000;
    AtomicBoolean claiming = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> sweeper =
          pool.submit(
              () -> {
                int filler = 0;
                while (claiming.get()) {
                  Out<Boolean> first = new Out<>();
                  store.claim("filler:" + filler++, Duration.ofMillis(1), first);
                  clock.advance(Duration.ofMillis(1));
                  store.sweepSome();
                }
              });
      AtomicIntegerArray firsts = new AtomicIntegerArray(numbers);
      List<Future<?>> claimers =
          List.of(
              pool.submit(() -> countFirsts(store, firsts)),
              pool.submit(() -> countFirsts(store, firsts)));
      for (Future<?> c : claimers) {
        c.get();
      }
      claiming.set(false);
      sweeper.get();
      int accepted = 0;
      for (int n = 0; n < numbers; n++) {
        assertTrue(firsts.get(n) <= 1, n + " accepted twice");
        accepted += firsts.get(n);
      }
      // Each number is taken by one claimer or, more than a window behind the other, by none.
      assertTrue(accepted > numbers / 2, accepted + " accepted");
    } finally {
      pool.shutdownNow();
    }
  }

  /** Claims every number in one window whose time to live outlasts the test's clock moves. */
  private static void countFirsts(LocalStateService store, AtomicIntegerArray firsts) {
    for (int n = 0; n < firsts.length(); n++) {
      Out<WindowClaim> result = new Out<>();
      store.claimInWindow("shared", n, 1024, Duration.ofDays(1), result);
      if (result.get() == WindowClaim.FIRST) {
        firsts.incrementAndGet(n);
      }
    }
  }
}
