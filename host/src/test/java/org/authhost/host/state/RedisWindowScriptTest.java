package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis window script ({@link RedisStateService#WINDOW}, which touches only the bytes it needs)
 * answers as the local store's {@link UsedNumbers} for the same claims: in order, out of order,
 * jumps of every size, replays, numbers too old, over windows of several widths.
 */
class RedisWindowScriptTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  static final Duration TTL = Duration.ofMinutes(5);

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
    Out<WindowClaim> out = new Out<>();
    HResult hr = store.claimInWindow(key, n, width, TTL, out);
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
      String bitmap = REDIS.server().call("HGET", "w:" + key, "b");
      assertFalse(bitmap.endsWith("\0"), "stored without trailing zero bytes");
    }
  }
}
