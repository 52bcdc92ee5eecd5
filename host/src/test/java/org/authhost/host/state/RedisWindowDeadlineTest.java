package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * A window record of the low form keeps its deadline (a time its expiry is known to reach, on
 * Redis's clock) in its header, so that a FIRST lengthens the expiry only when that deadline does
 * not cover its ttl: the API's "a FIRST keeps it at least ttl from now; its expiry never moves
 * earlier" with one expiry write per record rather than one per claim. And hosts of the previous
 * version (their window script, as {@code main} at ca516da sent it, which keeps no deadline and
 * lengthens the expiry at every FIRST) on the same records answer as the local store, with the
 * contract kept whichever version claimed.
 */
class RedisWindowDeadlineTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  private static final long LOW = 1L << 30;

  private RedisLink link;
  private RedisStateService redis;

  @BeforeEach
  void connect() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    RedisOutage outage = new RedisOutage((level, code, text) -> {}, "test");
    link = new RedisLink(RedisStateBehaviourTest.config(REDIS.server().uri(), "d:"), outage);
    link.connect();
    redis =
        new RedisStateService(link, LocalStateService.CapacityAlarm.SILENT, Duration.ofSeconds(5));
  }

  @AfterEach
  void disconnect() {
    link.close();
  }

  private WindowClaim claim(String key, long n, int width, Duration ttl) {
    Out<WindowClaim> out = new Out<>();
    assertEquals(HResult.S_OK, redis.claimInWindow(key, n, width, ttl, out), key + " " + n);
    return out.get();
  }

  /** The claim as a host of the previous version makes it: its own script, whole. */
  private WindowClaim previousVersion(String key, long n, int width, Duration ttl)
      throws IOException {
    String code =
        REDIS
            .server()
            .call(
                "EVAL",
                PREVIOUS_WINDOW,
                "2",
                "d:" + key,
                "d:" + RedisLink.LIFE_KEY,
                Long.toString(n),
                Integer.toString(width),
                Long.toString(ttl.toMillis()),
                link.life());
    return switch (code) {
      case "1" -> WindowClaim.FIRST;
      case "2" -> WindowClaim.USED;
      case "3" -> WindowClaim.TOO_OLD;
      default -> throw new AssertionError("the previous version's script answered " + code);
    };
  }

  private static final String PREVIOUS_WINDOW = resource("window-claim-ca516da.lua");

  private static String resource(String name) {
    try (InputStream in = RedisWindowDeadlineTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long redisMillis() throws IOException {
    String[] t = REDIS.server().call("TIME").split("\\n");
    return Long.parseLong(t[0]) * 1000 + Long.parseLong(t[1]) / 1000;
  }

  private static long expiresAt(String key) throws IOException {
    return Long.parseLong(REDIS.server().call("PEXPIRETIME", "d:" + key));
  }

  /** The header's i64 and u32: the deadline (or the highest plus one) and the width field. */
  private static long[] header(String key) throws IOException {
    String[] h =
        REDIS
            .server()
            .call("BITFIELD", "d:" + key, "GET", "i64", "0", "GET", "u32", "64")
            .split("\\n");
    return new long[] {Long.parseLong(h[0]), Long.parseLong(h[1])};
  }

  private static String commandStats() throws IOException {
    return REDIS.server().call("INFO", "commandstats");
  }

  /**
   * Digest's ttl is the time left to its nonce's end. A new record gets its expiry alone, as before
   * (the nonces used once pay nothing more); its second count writes the deadline with the expiry;
   * every later count is covered by it: one {@code BITFIELD} each, no expiry written. The ttls here
   * shrink ten seconds a claim, faster than any machine's clock between two claims.
   */
  @Test
  void countsWhoseTtlTheDeadlineCoversWriteNoExpiry() throws Exception {
    Duration ttl = Duration.ofHours(1);
    assertEquals(WindowClaim.FIRST, claim("nc/digest", 1, 1024, ttl));
    assertEquals(0, header("nc/digest")[0], "a new record: no deadline known yet");
    long expiry = expiresAt("nc/digest");

    long before = redisMillis();
    Duration second = ttl.minusSeconds(10);
    assertEquals(WindowClaim.FIRST, claim("nc/digest", 2, 1024, second));
    long deadline = header("nc/digest")[0];
    assertTrue(deadline >= before + second.toMillis(), "at least the ttl: " + (deadline - before));
    assertTrue(
        deadline <= redisMillis() + second.toMillis() + 1000, "a second's slack past the ttl");
    assertEquals(
        Math.max(expiry, deadline),
        expiresAt("nc/digest"),
        "the expiry lengthened to it, if short");
    expiry = expiresAt("nc/digest");

    assertEquals("OK", REDIS.server().call("CONFIG", "RESETSTAT"));
    for (int n = 3; n <= 40; n++) {
      assertEquals(WindowClaim.FIRST, claim("nc/digest", n, 1024, ttl.minusSeconds(10L * n)));
    }
    String stats = commandStats();
    assertTrue(stats.contains("cmdstat_bitfield:calls=38,"), "one BITFIELD a count: " + stats);
    assertFalse(stats.contains("cmdstat_pexpire"), "no expiry written: " + stats);
    assertEquals(expiry, expiresAt("nc/digest"));
    assertEquals(deadline, header("nc/digest")[0]);
  }

  /**
   * A FIRST whose ttl reaches past the deadline lengthens the expiry (and the deadline) once, to
   * its ttl plus a slack of at most a second; a FIRST with a shorter ttl never moves it earlier.
   */
  @Test
  void aLongerTtlLengthensTheExpiryOnceAndAShorterOneNeverShortensIt() throws Exception {
    assertEquals(WindowClaim.FIRST, claim("nc/longer", 1, 1024, Duration.ofMinutes(1)));
    Duration ten = Duration.ofMinutes(10);
    long before = redisMillis();
    assertEquals(WindowClaim.FIRST, claim("nc/longer", 2, 1024, ten));
    long lengthened = expiresAt("nc/longer");
    assertTrue(lengthened >= before + ten.toMillis(), "at least ten minutes from the claim");
    assertTrue(lengthened <= redisMillis() + ten.toMillis() + 1000, "and a second's slack");
    assertEquals(lengthened, header("nc/longer")[0], "the deadline with it");

    assertEquals("OK", REDIS.server().call("CONFIG", "RESETSTAT"));
    assertEquals(WindowClaim.FIRST, claim("nc/longer", 3, 1024, ten.minusSeconds(30)));
    assertEquals(WindowClaim.FIRST, claim("nc/longer", 4, 1024, Duration.ofMinutes(1)));
    assertFalse(commandStats().contains("cmdstat_pexpire"), "covered: nothing written");
    assertEquals(lengthened, expiresAt("nc/longer"), "never earlier");
  }

  /**
   * A record a host of the previous version made (no deadline: the i64 stays 0) gets one at this
   * version's first FIRST on it, and that version's FIRSTs on this version's records only ever
   * lengthen the expiry past the deadline: the deadline never promises more than the expiry.
   */
  @Test
  void recordsOfThePreviousVersionAndOfThisOneAreClaimedByBoth() throws Exception {
    Duration ttl = Duration.ofMinutes(5);
    assertEquals(WindowClaim.FIRST, previousVersion("nc/old", 1, 1024, Duration.ofSeconds(90)));
    assertEquals(0, header("nc/old")[0], "the previous version keeps no deadline");
    long before = redisMillis();
    assertEquals(WindowClaim.FIRST, claim("nc/old", 2, 1024, ttl));
    assertTrue(expiresAt("nc/old") >= before + ttl.toMillis(), "lengthened to this claim's ttl");
    assertEquals(expiresAt("nc/old"), header("nc/old")[0]);
    assertEquals(WindowClaim.USED, previousVersion("nc/old", 2, 1024, ttl));
    assertEquals(WindowClaim.USED, claim("nc/old", 1, 1024, ttl));

    assertEquals(WindowClaim.FIRST, claim("nc/new", 1, 1024, ttl));
    assertEquals(WindowClaim.FIRST, claim("nc/new", 2, 1024, ttl.plusSeconds(30)));
    long deadline = header("nc/new")[0];
    assertTrue(deadline > 0, "this version's second count wrote the deadline");
    assertEquals(WindowClaim.FIRST, previousVersion("nc/new", 4, 1024, ttl.plusMinutes(1)));
    assertEquals(deadline, header("nc/new")[0], "the previous version leaves the deadline");
    assertTrue(expiresAt("nc/new") > deadline, "and only lengthens the expiry");
    assertEquals(WindowClaim.USED, claim("nc/new", 4, 1024, ttl));
    assertEquals(WindowClaim.FIRST, claim("nc/new", 3, 1024, ttl));
    assertEquals(WindowClaim.USED, previousVersion("nc/new", 1, 1024, ttl));
    // Past the window, the previous version turns this version's record into the ring: its highest
    // replaces the deadline, and both go on in the ring form.
    assertEquals(WindowClaim.FIRST, previousVersion("nc/new", 1024, 1024, ttl));
    assertEquals(1025, header("nc/new")[0]);
    assertEquals(1024, header("nc/new")[1]);
    assertEquals(WindowClaim.USED, claim("nc/new", 2, 1024, ttl));
    assertEquals(WindowClaim.FIRST, claim("nc/new", 1025, 1024, ttl));
  }

  /**
   * Random claims, each made by this version or the previous one at random, on windows of several
   * widths, with ttls that go up and down: every answer is the local store's, every FIRST leaves
   * the record at least its ttl from the moment before it, and a low record's deadline never passes
   * its expiry. Seeded, so a failure is repeatable.
   */
  @Test
  void bothVersionsTogetherAnswerAsTheLocalStoreAndKeepTheExpiry() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      Random random = new Random(seed);
      LocalStateService local =
          new LocalStateService(new MutableClock(), 1000, LocalStateService.CapacityAlarm.SILENT);
      for (int width : new int[] {8, 64, 1024}) {
        String key = "nc/mixed" + seed + "/" + width;
        List<String> trace = new ArrayList<>();
        long highest = 0;
        for (int step = 0; step < 250; step++) {
          long n =
              switch (random.nextInt(5)) {
                case 0, 1 -> highest + 1;
                case 2 -> Math.max(0, highest - random.nextInt(width + 2));
                case 3 -> highest + 2 + random.nextInt(Math.max(1, width / 4));
                default -> highest + random.nextInt(2 * width + 1);
              };
          if (width == 1024 && n >= 1024 && random.nextInt(4) != 0) {
            n = random.nextInt(1024); // mostly the low form, where the deadline lives
          }
          highest = Math.max(highest, n);
          Duration ttl = Duration.ofSeconds(60 + random.nextInt(3600));
          boolean previous = random.nextBoolean();
          long before = redisMillis();
          WindowClaim actual =
              previous ? previousVersion(key, n, width, ttl) : claim(key, n, width, ttl);
          Out<WindowClaim> expected = new Out<>();
          local.claimInWindow(key, n, width, ttl, expected);
          trace.add((previous ? "p" : "") + n + "=" + expected.get());
          String where = "seed " + seed + ", width " + width + ", claims " + trace;
          assertEquals(expected.get(), actual, where);
          long expiry = expiresAt(key);
          if (actual == WindowClaim.FIRST) {
            assertTrue(expiry >= before + ttl.toMillis(), () -> "at least ttl: " + where);
          }
          long[] h = header(key);
          if (h[1] == width + LOW && h[0] != 0) {
            assertTrue(h[0] <= expiry, () -> "the deadline within the expiry: " + where);
          }
        }
      }
    }
  }
}
