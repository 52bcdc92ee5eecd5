package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService.Answer;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.config.RedisConfig;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The window claims of one event loop's turn go to Redis as ONE script call ({@link
 * WindowBatches}), counted on the test's own redis-server ({@code INFO commandstats}), and answer
 * each as a claim alone would: a number twice in one batch is accepted once, a batch that Redis
 * refuses fails every claim in it closed, a claim whose life mark is not the store's is refused
 * alone, and so is a claim on a key of another type.
 */
class WindowBatchesTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  static final long BOUND_SECONDS = 30;
  static final Duration TTL = Duration.ofMinutes(5);
  static final int WIDTH = 1024;

  private RedisLink link;
  private RedisStateService store;
  private final AtomicInteger full = new AtomicInteger();
  private final AtomicInteger roomAgain = new AtomicInteger();
  private EventLoopGroup hostLoops;
  private EventLoop loop;
  private int opens;

  @BeforeEach
  void connect() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    hostLoops = RedisAnswersOnCallerTest.hostLoops();
    loop = hostLoops.next();
    open(Duration.ofMillis(2000));
  }

  /** The link and store, with {@code timeout} per command; the loop's first claim made. */
  private void open(Duration timeout) throws Exception {
    RedisOutage outage = new RedisOutage((level, code, text) -> {}, "test", new MutableClock());
    link =
        new RedisLink(
            new RedisConfig(REDIS.server().uri(), null, null, "b:", timeout, Duration.ofSeconds(5)),
            outage);
    link.connect();
    store =
        new RedisStateService(
            link,
            new LocalStateService.CapacityAlarm() {
              @Override
              public void full(int maxEntries) {
                full.incrementAndGet();
              }

              @Override
              public void roomAgain(int maxEntries) {
                roomAgain.incrementAndGet();
              }
            },
            TTL);
    // The loop's first claim: its own connection opened, both scripts known to the server.
    opens++;
    assertEquals(
        WindowClaim.FIRST, oneTurn(List.of(new Claim("nc/warm" + opens, 1))).get(0).value());
    store.claimInWindow("nc/warm-alone" + opens, 1, WIDTH, TTL, new Out<>()); // WINDOW, off loops
  }

  @AfterEach
  void disconnect() throws Exception {
    REDIS.server().call("CLIENT", "UNPAUSE");
    REDIS.server().call("CONFIG", "SET", "maxmemory", "0");
    link.close();
    hostLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  private record Claim(String key, long number) {}

  /** The script's code as the claim's outcome; a failed batch fails the claim with its failure. */
  private static final WindowBatches.Outcome<Long> CODE =
      (code, failure) -> {
        if (failure != null) {
          throw new java.util.concurrent.CompletionException(failure);
        }
        return code;
      };

  /** Makes {@code claims} in one task on the loop (one turn) and waits for their answers. */
  private List<Answer<WindowClaim>> oneTurn(List<Claim> claims) throws Exception {
    return oneTurn(
        claims.size(),
        i -> store.claimInWindowAsync(claims.get(i).key(), claims.get(i).number(), WIDTH, TTL));
  }

  private <T> List<T> oneTurn(
      int count, Function<Integer, java.util.concurrent.CompletionStage<T>> call) throws Exception {
    CompletableFuture<List<CompletableFuture<T>>> made = new CompletableFuture<>();
    loop.execute(
        () -> {
          List<CompletableFuture<T>> answers = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            answers.add(call.apply(i).toCompletableFuture());
          }
          made.complete(answers);
        });
    List<T> out = new ArrayList<>();
    for (CompletableFuture<T> a : made.get(BOUND_SECONDS, TimeUnit.SECONDS)) {
      out.add(a.get(BOUND_SECONDS, TimeUnit.SECONDS));
    }
    return out;
  }

  /** How many script calls ({@code EVALSHA} and {@code EVAL}) the server ran since the reset. */
  private static long scriptCalls() throws Exception {
    String stats = REDIS.server().call("INFO", "commandstats");
    long calls = 0;
    Matcher m = Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+)").matcher(stats);
    while (m.find()) {
      calls += Long.parseLong(m.group(1));
    }
    return calls;
  }

  private static void resetStats() throws Exception {
    assertEquals("OK", REDIS.server().call("CONFIG", "RESETSTAT"));
  }

  @Test
  void theClaimsOfOneTurnGoInOneScriptCall() throws Exception {
    resetStats();
    List<Claim> claims = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      claims.add(new Claim("nc/n" + i, 1));
    }
    for (Answer<WindowClaim> a : oneTurn(claims)) {
      assertEquals(HResult.S_OK, a.hresult());
      assertEquals(WindowClaim.FIRST, a.value());
    }
    assertEquals(1, scriptCalls(), "eight claims, one script call");

    // Beyond the bound: several calls, still far fewer than claims.
    resetStats();
    List<Claim> many = new ArrayList<>();
    for (int i = 0; i < WindowBatches.MOST + 1; i++) {
      many.add(new Claim("nc/m" + i, 7));
    }
    assertTrue(oneTurn(many).stream().allMatch(a -> a.value() == WindowClaim.FIRST));
    assertEquals(2, scriptCalls(), WindowBatches.MOST + 1 + " claims: a full batch and one more");
  }

  /**
   * A turn's counts on live records whose deadline covers them (Digest's ttl, a minute less later
   * in a nonce's life) cost Redis one {@code BITFIELD} each and one {@code TIME} for the turn: no
   * expiry written.
   */
  @Test
  void aTurnOfLaterCountsWritesNoExpiry() throws Exception {
    for (long n = 1; n <= 2; n++) { // a new record's expiry, then its deadline with the expiry
      List<Claim> firsts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        firsts.add(new Claim("nc/later" + i, n));
      }
      assertTrue(oneTurn(firsts).stream().allMatch(a -> a.value() == WindowClaim.FIRST));
    }
    resetStats();
    List<Answer<WindowClaim>> later =
        oneTurn(8, i -> store.claimInWindowAsync("nc/later" + i, 3, WIDTH, TTL.minusMinutes(1)));
    assertTrue(later.stream().allMatch(a -> a.value() == WindowClaim.FIRST), later.toString());
    String stats = REDIS.server().call("INFO", "commandstats");
    assertEquals(1, scriptCalls(), stats);
    assertTrue(stats.contains("cmdstat_bitfield:calls=8,"), stats);
    assertTrue(stats.contains("cmdstat_time:calls=1,"), "Redis's clock read once: " + stats);
    assertFalse(stats.contains("cmdstat_pexpire"), stats);
  }

  /**
   * A batch holds claims of one width (the script formats it once): a turn that alternates two
   * widths sends a call at each change, in order, and each claim is answered for its own width.
   */
  @Test
  void aTurnOfTwoWidthsSendsACallAtEachChange() throws Exception {
    resetStats();
    List<Answer<WindowClaim>> answers =
        oneTurn(
            6,
            i ->
                store.claimInWindowAsync(
                    i < 4 ? "nc/wide" : "nc/narrow",
                    i < 4 ? 3 : 9,
                    i < 2 || i == 3 ? WIDTH : 8,
                    TTL));
    List<Object> got = new ArrayList<>();
    for (Answer<WindowClaim> a : answers) {
      got.add(a.value() != null ? a.value() : a.hresult());
    }
    assertEquals(
        List.of(
            WindowClaim.FIRST,
            WindowClaim.USED,
            HResult.E_INVALIDARG,
            WindowClaim.USED,
            WindowClaim.FIRST,
            WindowClaim.USED),
        got,
        "1024, 1024, 8 on the 1024 window (refused), 1024, then 8 twice");
    assertEquals(4, scriptCalls(), "a call at each change of width");
  }

  @Test
  void aNumberClaimedTwiceInOneBatchIsAcceptedOnce() throws Exception {
    resetStats();
    List<Answer<WindowClaim>> answers =
        oneTurn(
            List.of(
                new Claim("nc/r", 5),
                new Claim("nc/other", 5),
                new Claim("nc/r", 5),
                new Claim("nc/r", 6),
                new Claim("nc/r", 5)));
    assertEquals(1, scriptCalls(), "one batch");
    assertEquals(WindowClaim.FIRST, answers.get(0).value());
    assertEquals(WindowClaim.FIRST, answers.get(1).value());
    assertEquals(WindowClaim.USED, answers.get(2).value(), "the replay in the same batch");
    assertEquals(WindowClaim.FIRST, answers.get(3).value());
    assertEquals(WindowClaim.USED, answers.get(4).value());
    // And from another host's view (a claim alone): used.
    Out<WindowClaim> again = new Out<>();
    assertEquals(HResult.S_OK, store.claimInWindow("nc/r", 5, WIDTH, TTL, again));
    assertEquals(WindowClaim.USED, again.get());
  }

  @Test
  void aBatchRedisRefusesFailsEveryClaimInItClosedAndRecordsNone() throws Exception {
    assertEquals("OK", REDIS.server().call("CONFIG", "SET", "maxmemory", "1"));
    List<Claim> claims = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      claims.add(new Claim("nc/f" + i, 3));
    }
    for (Answer<WindowClaim> a : oneTurn(claims)) {
      assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, a.hresult(), "fails closed: 503");
      assertEquals(null, a.value());
    }
    assertEquals(1, full.get(), "told once");
    assertFalse(link.isDown(), "a refusal is no outage");

    assertEquals("OK", REDIS.server().call("CONFIG", "SET", "maxmemory", "0"));
    for (Answer<WindowClaim> a : oneTurn(claims)) {
      assertEquals(WindowClaim.FIRST, a.value(), "nothing of the refused batch was recorded");
    }
    assertEquals(1, roomAgain.get());
  }

  /**
   * A batch whose answer does not come in time fails each of its claims closed (503), and counts as
   * ONE failed command: six claims alone would have declared an outage (three in a row do). The
   * batch may still have run once Redis goes on: its numbers are then used, never accepted twice.
   */
  @Test
  void aBatchThatTimesOutFailsEveryClaimInItClosedAsOneFailure() throws Exception {
    List<Claim> claims = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      claims.add(new Claim("nc/t" + i, 9));
    }
    assertEquals("OK", REDIS.server().call("CLIENT", "PAUSE", "20000", "WRITE"));
    for (Answer<WindowClaim> a : oneTurn(claims)) {
      assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, a.hresult(), "fails closed: 503");
    }
    assertFalse(link.isDown(), "one failed command, not six: no outage declared");
    assertEquals("OK", REDIS.server().call("CLIENT", "UNPAUSE"));

    for (Answer<WindowClaim> a : oneTurn(claims)) {
      assertEquals(HResult.S_OK, a.hresult());
      assertTrue(
          a.value() == WindowClaim.FIRST || a.value() == WindowClaim.USED,
          "FIRST, or USED if the timed-out batch ran after all: " + a.value());
    }
    for (Answer<WindowClaim> a : oneTurn(claims)) {
      assertEquals(WindowClaim.USED, a.value(), "never accepted twice");
    }
  }

  /**
   * The server check is made again when a batch leaves, not only when its claims were admitted: a
   * reconnection (to a failover's replica, say) that comes in between holds the batch back (503),
   * and nothing of it is written before the new server is checked.
   */
  @Test
  void aBatchThatLeavesBeforeAReconnectionsServerCheckIsRefused() throws Exception {
    long main = link.send(r -> r.clientId()).get(BOUND_SECONDS, TimeUnit.SECONDS);
    NextConnection again = NextConnection.of(link);
    CompletableFuture<Void> check = new CompletableFuture<>();
    link.beforeServerCheck = check; // the reconnection's check waits for the test
    CompletableFuture<CompletableFuture<Answer<WindowClaim>>> made = new CompletableFuture<>();
    loop.execute(
        () -> {
          // Admitted while the server is checked; the batch leaves at the end of this task.
          CompletableFuture<Answer<WindowClaim>> claim =
              store.claimInWindowAsync("nc/gate", 1, WIDTH, TTL).toCompletableFuture();
          try {
            REDIS.server().call("CLIENT", "KILL", "ID", Long.toString(main));
            assertTrue(again.await(BOUND_SECONDS), "reconnected");
          } catch (Exception e) {
            made.completeExceptionally(e);
            return;
          }
          made.complete(claim);
        });
    Answer<WindowClaim> answer =
        made.get(BOUND_SECONDS, TimeUnit.SECONDS).get(BOUND_SECONDS, TimeUnit.SECONDS);
    assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, answer.hresult(), "refused: 503");
    assertEquals("0", REDIS.server().call("EXISTS", "b:nc/gate"), "nothing written");
    check.complete(null);
  }

  /** A loop's other state operation goes after the claims it made before it. */
  @Test
  void anOperationAfterAClaimOnTheSameLoopReachesRedisAfterIt() throws Exception {
    List<Object> answers =
        oneTurn(
            2,
            i ->
                i == 0
                    ? store.claimInWindowAsync("nc/order", 1, WIDTH, TTL).thenApply(a -> a)
                    : store.deleteAsync("nc/order").thenApply(a -> a));
    assertEquals(WindowClaim.FIRST, ((Answer<?>) answers.get(0)).value());
    assertEquals(HResult.S_OK, ((Answer<?>) answers.get(1)).hresult(), "deleted: it was there");
    assertEquals("0", REDIS.server().call("EXISTS", "b:nc/order"), "the claim, then the delete");
  }

  /** A batch that cannot even be sent fails each of its claims: none is left waiting. */
  @Test
  void aBatchThatCannotBeBuiltFailsEveryClaimInIt() throws Exception {
    WindowBatches batches = new WindowBatches(link, link.key(RedisLink.LIFE_KEY), true);
    byte[] width = Integer.toString(WIDTH).getBytes(StandardCharsets.US_ASCII);
    byte[] ttl = Long.toString(TTL.toMillis()).getBytes(StandardCharsets.US_ASCII);
    String life = link.life();
    byte[] one = RedisStateService.claimNumber(1, WIDTH);
    CompletableFuture<List<CompletableFuture<Long>>> made = new CompletableFuture<>();
    loop.execute(
        () ->
            made.complete(
                List.of(
                    batches.add(link.key("nc/ok"), one, width, ttl, life, CODE),
                    batches.add(null, one, width, ttl, life, CODE))));
    for (CompletableFuture<Long> answer : made.get(BOUND_SECONDS, TimeUnit.SECONDS)) {
      java.util.concurrent.ExecutionException failed =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.util.concurrent.ExecutionException.class,
              () -> answer.get(BOUND_SECONDS, TimeUnit.SECONDS));
      assertTrue(failed.getCause() instanceof NullPointerException, failed.toString());
    }
  }

  /**
   * A window record not written by a host (a highest beyond a Lua number's precision, which no host
   * writes) refuses its claim alone, and the batch goes on.
   */
  @Test
  void aGarbledWindowRecordRefusesOnlyItsOwnClaim() throws Exception {
    REDIS.server().call("BITFIELD", "b:nc/garbled", "SET", "i64", "0", "4611686018427387904");
    REDIS.server().call("BITFIELD", "b:nc/garbled", "SET", "u32", "64", Integer.toString(WIDTH));
    List<Answer<WindowClaim>> answers =
        oneTurn(
            List.of(new Claim("nc/ok1", 1), new Claim("nc/garbled", 1), new Claim("nc/ok2", 1)));
    assertEquals(WindowClaim.FIRST, answers.get(0).value());
    assertEquals(HResult.E_INVALIDARG, answers.get(1).hresult());
    assertEquals(WindowClaim.FIRST, answers.get(2).value());
  }

  /** A window of the hash layout (a host before the string one) sends its nonce's client on. */
  @Test
  void aWindowOfTheEarlierLayoutAnswersTooOldAlone() throws Exception {
    REDIS.server().call("HSET", "b:nc/earlier", "k", "w", "w", "1024", "h", "3", "b", "?");
    List<Answer<WindowClaim>> answers =
        oneTurn(
            List.of(new Claim("nc/ok1", 1), new Claim("nc/earlier", 4), new Claim("nc/ok2", 1)));
    assertEquals(WindowClaim.FIRST, answers.get(0).value());
    assertEquals(WindowClaim.TOO_OLD, answers.get(1).value());
    assertEquals(WindowClaim.FIRST, answers.get(2).value());
  }

  @Test
  void aClaimWhoseLifeMarkIsNotTheStoresIsRefusedAlone() throws Exception {
    WindowBatches batches = new WindowBatches(link, link.key(RedisLink.LIFE_KEY), true);
    String life = link.life();
    String stale = "a-life-before-the-store-was-emptied";
    resetStats();
    List<Long> codes = fourClaims(batches, "life", i -> i < 2 ? life : stale);
    assertEquals(List.of(1L, 1L, RedisStateService.RESET, RedisStateService.RESET), codes);
    assertEquals(2, scriptCalls(), "a batch holds one mark: one call for each");
    assertEquals(
        "0",
        REDIS.server().call("EXISTS", "b:plugin/x/nc/life2"),
        "the refused claim wrote nothing");

    // Interleaved, each change of mark sends the batch before it: every answer its own claim's.
    resetStats();
    List<Long> interleaved = fourClaims(batches, "mixed", i -> i % 2 == 0 ? life : stale);
    assertEquals(List.of(1L, RedisStateService.RESET, 1L, RedisStateService.RESET), interleaved);
    assertEquals(4, scriptCalls(), "a call at each change of mark");
    assertEquals("0", REDIS.server().call("EXISTS", "b:plugin/x/nc/mixed1"));
    assertEquals("0", REDIS.server().call("EXISTS", "b:plugin/x/nc/mixed3"));
  }

  /** Four claims of number 1 in one turn, on keys {@code plugin/x/nc/<name>i}, marks as given. */
  private List<Long> fourClaims(WindowBatches batches, String name, Function<Integer, String> mark)
      throws Exception {
    byte[] width = Integer.toString(WIDTH).getBytes(StandardCharsets.US_ASCII);
    byte[] ttl = Long.toString(TTL.toMillis()).getBytes(StandardCharsets.US_ASCII);
    return oneTurn(
        4,
        i ->
            batches.add(
                link.key("plugin/x/nc/" + name + i),
                RedisStateService.claimNumber(1, WIDTH),
                width,
                ttl,
                mark.apply(i),
                CODE));
  }

  @Test
  void aKeyOfAnotherTypeRefusesOnlyItsOwnClaim() throws Exception {
    REDIS.server().call("SET", "b:nc/foreign", "not a window");
    List<Answer<WindowClaim>> answers =
        oneTurn(
            List.of(new Claim("nc/ok1", 1), new Claim("nc/foreign", 1), new Claim("nc/ok2", 1)));
    assertEquals(WindowClaim.FIRST, answers.get(0).value());
    assertEquals(HResult.E_INVALIDARG, answers.get(1).hresult());
    assertEquals(WindowClaim.FIRST, answers.get(2).value());
  }

  /** Turns of every size, over the bound too: the answers of a claim alone (the local store's). */
  @Test
  void batchesAnswerAsTheLocalStoreForRandomClaims() throws Exception {
    LocalStateService local =
        new LocalStateService(new MutableClock(), 100_000, LocalStateService.CapacityAlarm.SILENT);
    Random random = new Random(18);
    long[] highest = new long[5];
    for (int turn = 0; turn < 40; turn++) {
      int size = 1 + random.nextInt(turn % 10 == 9 ? 80 : 12);
      List<Claim> claims = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int k = random.nextInt(highest.length);
        long n =
            switch (random.nextInt(4)) {
              case 0 -> highest[k] + 1;
              case 1 -> Math.max(0, highest[k] - random.nextInt(WIDTH + 50));
              case 2 -> highest[k] + random.nextInt(WIDTH * 2);
              default -> highest[k];
            };
        highest[k] = Math.max(highest[k], n);
        claims.add(new Claim("nc/rand" + k, n));
      }
      List<Answer<WindowClaim>> answers = oneTurn(claims);
      for (int i = 0; i < size; i++) {
        Out<WindowClaim> expected = new Out<>();
        local.claimInWindow(claims.get(i).key(), claims.get(i).number(), WIDTH, TTL, expected);
        assertEquals(
            expected.get(), answers.get(i).value(), "turn " + turn + " claim " + claims.get(i));
      }
    }
  }
}
