package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis window script ({@link RedisStateService#WINDOW}, a string read and written with {@code
 * BITFIELD}) answers as the local store's {@link UsedNumbers} for the same claims: in order, out of
 * order, jumps of every size, replays, numbers too old, over windows of several widths; a refusal
 * leaves the record as it was.
 */
class RedisWindowScriptTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  static final Duration TTL = Duration.ofMinutes(5);

  /**
   * The highest number plus one, or in the low form the deadline (8 bytes), and the width (4)
   * before the ring.
   */
  static final int HEADER_BYTES = 12;

  private RedisLink link;
  private RedisStateService redis;
  private final LocalStateService local =
      new LocalStateService(new MutableClock(), 1000, LocalStateService.CapacityAlarm.SILENT);

  @BeforeEach
  void connect() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    RedisOutage outage = new RedisOutage((level, code, text) -> {}, "test");
    link = new RedisLink(RedisStateBehaviourTest.config(REDIS.server().uri(), "w:"), outage);
    link.connect();
    redis = new RedisStateService(link, LocalStateService.CapacityAlarm.SILENT, TTL);
  }

  @AfterEach
  void disconnect() {
    link.close();
  }

  private WindowClaim claim(
      org.authhost.api.StateService store, String key, long n, int width, List<String> trace) {
    return claim(store, key, n, width, TTL, trace);
  }

  private WindowClaim claim(
      StateService store, String key, long n, int width, Duration ttl, List<String> trace) {
    Out<WindowClaim> out = new Out<>();
    HResult hr = store.claimInWindow(key, n, width, ttl, out);
    assertEquals(HResult.S_OK, hr, () -> "claim " + n + " after " + trace);
    return out.get();
  }

  @Test
  void aJumpAfterTheRingWrappedInAPartialByteClearsEveryNumberSkipped() throws Exception {
    List<String> trace = new ArrayList<>();
    for (long n = 0; n <= 20; n++) {
      assertEquals(WindowClaim.FIRST, claim(redis, "nc/wrap", n, 13, trace));
    }
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/wrap", 32, 13, trace));
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/wrap", 26, 13, trace), "26 was never used");
    assertEquals(WindowClaim.USED, claim(redis, "nc/wrap", 26, 13, trace));
  }

  @Test
  void aNonceUsedOnceHoldsTheHeaderAndOneByteOfRing() throws Exception {
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/once", 1, 1024, new ArrayList<>()));
    assertEquals("string", REDIS.server().call("TYPE", "w:nc/once"));
    assertEquals(String.valueOf(HEADER_BYTES + 1), REDIS.server().call("STRLEN", "w:nc/once"));
    long ttl = Long.parseLong(REDIS.server().call("PTTL", "w:nc/once"));
    assertTrue(ttl > 0 && ttl <= TTL.toMillis(), "expires with the claim's ttl: " + ttl);
  }

  /**
   * Below its width a record keeps no highest (the low form: the width field flagged, bit {@code 96
   * + n} for number {@code n}) but its deadline, so a late count is one {@code BITFIELD}, nothing
   * is put back, and a new count whose ttl the deadline covers writes no expiry.
   */
  @Test
  void belowItsWidthARecordKeepsNoHighestAndALateCountIsOneCommand() throws Exception {
    List<String> trace = new ArrayList<>();
    for (long n : new long[] {1, 3, 7}) {
      assertEquals(WindowClaim.FIRST, claim(redis, "nc/low", n, 1024, trace));
    }
    String[] header =
        REDIS
            .server()
            .call("BITFIELD", "w:nc/low", "GET", "i64", "0", "GET", "u32", "64")
            .split("\n");
    assertEquals(
        REDIS.server().call("PEXPIRETIME", "w:nc/low"),
        header[0],
        "no highest kept but the deadline, the expiry itself");
    assertEquals(String.valueOf(1024 + (1L << 30)), header[1], "the width field tells the form");
    assertEquals("OK", REDIS.server().call("CONFIG", "RESETSTAT"));
    // A minute less, as Digest's ttl shrinks with its nonce's age: covered however slow the
    // machine.
    Duration older = TTL.minusMinutes(1);
    assertEquals(
        WindowClaim.FIRST, claim(redis, "nc/low", 5, 1024, older, trace), "late, never used");
    assertEquals(WindowClaim.USED, claim(redis, "nc/low", 3, 1024, trace));
    String stats = REDIS.server().call("INFO", "commandstats");
    assertTrue(stats.contains("cmdstat_bitfield:calls=2,"), "one BITFIELD a claim: " + stats);
    assertFalse(stats.contains("cmdstat_pexpire"), "the deadline covers the new count: " + stats);
  }

  /**
   * The first count at or above the width turns a low record into the ring in place, its highest
   * the last bit set (past the zero bytes a refused claim of another width left), and it answers as
   * the local store from then on.
   */
  @Test
  void theFirstCountAtTheWidthTurnsTheRecordIntoTheRingInPlace() throws Exception {
    List<String> trace = new ArrayList<>();
    for (long n = 0; n <= 3; n++) {
      assertEquals(WindowClaim.FIRST, both("nc/turn", n, trace));
    }
    Out<WindowClaim> out = new Out<>();
    assertEquals(HResult.E_INVALIDARG, redis.claimInWindow("nc/turn", 40, 64, TTL, out));
    assertTrue(
        Long.parseLong(REDIS.server().call("STRLEN", "w:nc/turn")) > HEADER_BYTES + 1,
        "the refusal left zero bytes past the ring");
    assertEquals(WindowClaim.FIRST, both("nc/turn", 9, trace));
    assertEquals(
        "10\n8",
        REDIS.server().call("BITFIELD", "w:nc/turn", "GET", "i64", "0", "GET", "u32", "64"),
        "the ring form: the highest plus one, the width without its flag");
    for (long n : new long[] {3, 1, 2, 4, 8, 8, 12, 5, 20, 12, 13}) {
      both("nc/turn", n, trace);
    }
  }

  /** The claim on both stores, which must answer the same. */
  private WindowClaim both(String key, long n, List<String> trace) throws Exception {
    WindowClaim expected = claim(local, key, n, 8, trace);
    WindowClaim actual = claim(redis, key, n, 8, trace);
    trace.add(n + "=" + expected);
    assertEquals(expected, actual, () -> "claims " + trace);
    return actual;
  }

  /**
   * A server that forgot the script (a restart, SCRIPT FLUSH) gets it whole, with the same call.
   */
  @Test
  void aServerThatForgotTheScriptIsSentItWhole() throws Exception {
    List<String> trace = new ArrayList<>();
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/flush", 1, 1024, trace));
    assertEquals("OK", REDIS.server().call("SCRIPT", "FLUSH"));
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/flush", 2, 1024, trace));
    assertEquals(WindowClaim.USED, claim(redis, "nc/flush", 1, 1024, trace));
    assertEquals(
        "1",
        REDIS.server().call("SCRIPT", "EXISTS", RedisStateService.WINDOW.sha()),
        "loaded again");
  }

  @Test
  void refusalsLeaveTheRecordAsItWas() throws Exception {
    List<String> trace = new ArrayList<>();
    for (long n = 100; n <= 140; n += 3) {
      claim(redis, "nc/kept", n, 64, trace);
    }
    String before = record("w:nc/kept");
    assertEquals(WindowClaim.TOO_OLD, claim(redis, "nc/kept", 70, 64, trace), "134's bit, unused");
    assertEquals(WindowClaim.TOO_OLD, claim(redis, "nc/kept", 72, 64, trace), "136's bit, used");
    assertEquals(WindowClaim.USED, claim(redis, "nc/kept", 139, 64, trace));
    Out<WindowClaim> out = new Out<>();
    assertEquals(HResult.E_INVALIDARG, redis.claimInWindow("nc/kept", 141, 1024, TTL, out));
    assertEquals(before, record("w:nc/kept"));
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/kept", 134, 64, trace), "never used");
    assertEquals(WindowClaim.USED, claim(redis, "nc/kept", 136, 64, trace));
  }

  /**
   * The header and how many bits are set: a refusal may leave the string longer (a zero byte past
   * the ring the other width's number reached), never with another bit set.
   */
  private static String record(String key) throws Exception {
    return REDIS.server().call("BITFIELD", key, "GET", "i64", "0", "GET", "u32", "64")
        + " "
        + REDIS.server().call("BITCOUNT", key);
  }

  @Test
  void numbersPastTenToTheFifteenthAreWrittenAsDigits() throws Exception {
    List<String> trace = new ArrayList<>();
    long big = StateService.MAX_WINDOW_NUMBER - 2; // the highest plus one is then 2^53 - 1
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/big", big, 64, trace));
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/big", big + 2, 64, trace));
    assertEquals(WindowClaim.USED, claim(redis, "nc/big", big, 64, trace));
    assertEquals(WindowClaim.FIRST, claim(redis, "nc/big", big + 1, 64, trace));
    assertEquals(
        String.valueOf(big + 3),
        REDIS.server().call("BITFIELD", "w:nc/big", "GET", "i64", "0"),
        "the highest plus one");
  }

  @Test
  void answersAsTheLocalStoreForRandomClaims() throws Exception {
    for (long seed = 1; seed <= 6; seed++) {
      randomClaims(new Random(seed), "s" + seed + "/");
    }
  }

  private void randomClaims(Random random, String prefix) throws Exception {
    for (int width : new int[] {1, 8, 13, 17, 64, 100, 1024}) {
      String key = "nc/" + prefix + width;
      List<String> trace = new ArrayList<>();
      long highest = 0;
      for (int step = 0; step < 600; step++) {
        long n =
            switch (random.nextInt(6)) {
              case 0, 1 -> highest + 1; // the common case: the next count
              case 2 -> Math.max(0, highest - random.nextInt(width + 2)); // late or a replay
              case 3 -> highest + 2 + random.nextInt(Math.max(1, width / 2)); // a small jump
              case 4 -> highest + random.nextInt(3 * width + 1); // any jump, past the window too
              default -> Math.max(0, highest - random.nextInt(3 * width + 1)); // maybe too old
            };
        highest = Math.max(highest, n);
        WindowClaim expected = claim(local, key, n, width, trace);
        WindowClaim actual = claim(redis, key, n, width, trace);
        trace.add(n + "=" + expected);
        assertEquals(expected, actual, () -> "width " + width + ", claims " + trace);
      }
      long bytes = Long.parseLong(REDIS.server().call("STRLEN", "w:" + key));
      assertTrue(bytes <= HEADER_BYTES + (width + 7) / 8, "no byte past the ring: " + bytes);
    }
  }
}
