package org.authhost.plugins.bearer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The key cache with its real fetch thread: one attempt in flight, shared by every waiter. */
class ProviderKeysTest {
  final StepClock clock = new StepClock();
  final JWKSet served = TestKeys.publicSet(TestKeys.rsa("k1"));
  final CountDownLatch providerAnswers = new CountDownLatch(1);
  final AtomicInteger fetches = new AtomicInteger();

  final KeySource slowProvider =
      new KeySource() {
        @Override
        public JWKSet fetch() throws IOException {
          fetches.incrementAndGet();
          try {
            if (!providerAnswers.await(10, TimeUnit.SECONDS)) {
              throw new IOException("the test never let the provider answer");
            }
          } catch (InterruptedException e) {
            throw new IOException("interrupted", e);
          }
          return served;
        }

        @Override
        public String describe() {
          return "slow";
        }
      };

  final ProviderKeys.Events quiet =
      new ProviderKeys.Events() {
        @Override
        public void error(String text) {}

        @Override
        public void warning(String text) {}

        @Override
        public void information(String text) {}
      };

  @Test
  void manyExchangesWaitingForKeysShareOneFetchOnThePluginsThread() throws Exception {
    Fetcher fetcher = new Fetcher();
    ProviderKeys keys =
        new ProviderKeys(
            slowProvider, clock, Duration.ofMinutes(15), Duration.ofSeconds(30), quiet);
    try {
      assertTrue(keys.wantsFetch("k1"));
      List<CompletableFuture<JWKSet>> waiting = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        waiting.add(keys.refresh(fetcher));
      }
      assertFalse(waiting.get(0).isDone(), "the caller never waits for the provider");
      assertTrue(waiting.stream().allMatch(f -> f == waiting.get(0)), "one attempt in flight");
      providerAnswers.countDown();
      for (CompletableFuture<JWKSet> f : waiting) {
        assertSame(served, f.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, fetches.get());
      assertFalse(keys.wantsFetch("k1"));
      assertFalse(keys.wantsFetch("unknown"), "within the interval an unknown kid waits for none");
      clock.advance(Duration.ofSeconds(30));
      assertTrue(keys.wantsFetch("unknown"));
    } finally {
      fetcher.close();
    }
  }

  @Test
  void aProviderSlowerThanTheWaitLimitReleasesItsWaitersWithoutKeysAndKeepsFetching()
      throws Exception {
    Fetcher fetcher = new Fetcher();
    ProviderKeys keys =
        new ProviderKeys(
            slowProvider,
            clock,
            Duration.ofMinutes(15),
            Duration.ofSeconds(30),
            quiet,
            Duration.ofMillis(50));
    try {
      CompletableFuture<JWKSet> waiting = keys.refresh(fetcher);
      // Released by the limit, while the provider still has not answered: no keys, so 503 at
      // once rather than a callback past the host's time limit.
      assertNull(waiting.get(10, TimeUnit.SECONDS));
      assertEquals(1, providerAnswers.getCount(), "the provider has not answered yet");
      providerAnswers.countDown();
      // The fetch went on: a waiter without a limit (a plain executor) shares it or finds its keys.
      assertSame(served, keys.refresh(Runnable::run).get(10, TimeUnit.SECONDS));
      assertEquals(1, fetches.get(), "one fetch for both");
    } finally {
      fetcher.close();
    }
  }

  @Test
  void afterShutdownNoFetchRunsAndWaitersAreReleasedWithoutKeys() throws Exception {
    Fetcher fetcher = new Fetcher();
    fetcher.close();
    ProviderKeys keys =
        new ProviderKeys(
            slowProvider, clock, Duration.ofMinutes(15), Duration.ofSeconds(30), quiet);
    assertNull(keys.refresh(fetcher).get(10, TimeUnit.SECONDS));
    assertEquals(0, fetches.get());
  }
}
