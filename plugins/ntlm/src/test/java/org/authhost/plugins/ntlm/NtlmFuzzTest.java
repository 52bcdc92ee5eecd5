package org.authhost.plugins.ntlm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Mutated NEGOTIATE and AUTHENTICATE messages (fixed seed): no exception escapes, nothing is
 * reported as an internal failure, and no mutated AUTHENTICATE is accepted.
 *
 * <p>The base AUTHENTICATE carries a MIC, which covers every byte of the message but the MIC itself
 * (and the MIC covers the NEGOTIATE and CHALLENGE): so any change at all must be refused, and
 * "refused" is a sharp assertion rather than a hope. A second base without a MIC (curl's kind) may
 * survive a change to a byte nothing reads, but must still never authenticate anyone else.
 */
class NtlmFuzzTest {
  static final int ROUNDS = 20_000;
  static final int[] BUFFER_FIELDS = {12, 20, 28, 36, 44, 52};

  /** Challenges are the same every time, so one valid AUTHENTICATE serves every fresh exchange. */
  static final class FixedRandom extends Random {
    private static final long serialVersionUID = 1L;

    @Override
    public void nextBytes(byte[] bytes) {
      Arrays.fill(bytes, (byte) 0x5a);
    }
  }

  final FakeServer server = new FakeServer();
  final FakeServer.TestClock clock = new FakeServer.TestClock();
  final NtlmMechanism mechanism =
      NtlmMechanism.create(FakeServer.values(), "", server, clock, new FixedRandom());

  /** A valid NEGOTIATE and the AUTHENTICATE that answers its CHALLENGE. */
  record Base(byte[] negotiate, byte[] authenticate, boolean mic) {}

  Base base(int offer, boolean mic) {
    NtlmTestClient c =
        NtlmTestClient.withPassword("alice", "MEDIA01", NtlmExchangeTest.PASSWORD)
            .clock(clock)
            .offer(offer)
            .mic(mic);
    byte[] negotiate = c.negotiate();
    NtlmExchange x = mechanism.newExchange();
    c.readChallenge(assertInstanceOf(NtlmStep.Challenge.class, x.accept(negotiate)).token());
    byte[] authenticate = c.authenticateV2();
    NtlmExchange check =
        mechanism.newExchange(); // same clock and challenge: the same CHALLENGE bytes
    check.accept(negotiate);
    assertInstanceOf(
        NtlmStep.Authenticated.class, check.accept(authenticate), "the base message is valid");
    return new Base(negotiate, authenticate, mic);
  }

  @Test
  void mutatedMessagesNeverGetIn() {
    Base withMic = base(NtlmTestClient.WINDOWS_FLAGS, true);
    Base curl = base(NtlmTestClient.CURL_FLAGS, false);
    Random rnd = new Random(20250101);
    Map<String, Integer> reasons = new TreeMap<>();
    int mutatedAuthenticates = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Base base = rnd.nextInt(4) == 0 ? curl : withMic;
      boolean negotiateRound = rnd.nextInt(10) < 3;
      byte[] original = negotiateRound ? base.negotiate() : base.authenticate();
      byte[] mutated = mutate(original, rnd);
      if (Arrays.equals(mutated, original)) {
        continue; // no change: not a mutation
      }
      NtlmExchange x = mechanism.newExchange();
      NtlmStep step;
      if (negotiateRound) {
        step = accept(x, mutated, round);
        assertTrue(
            step instanceof NtlmStep.Challenge || step instanceof NtlmStep.Refused,
            "round " + round + ": " + step);
      } else {
        assertInstanceOf(NtlmStep.Challenge.class, x.accept(base.negotiate()));
        step = accept(x, mutated, round);
        mutatedAuthenticates++;
        if (base.mic()) {
          assertInstanceOf(
              NtlmStep.Refused.class,
              step,
              "round " + round + ": a changed message with a MIC got in");
        } else if (step instanceof NtlmStep.Authenticated ok) {
          // Only bytes nothing reads changed (or the user name's case): still alice, still in our
          // domain.
          assertTrue(
              ok.account().equalsIgnoreCase("alice"), "round " + round + ": " + ok.account());
          assertTrue(
              ok.domain().equalsIgnoreCase("MEDIA01") || ok.domain().isEmpty(), "round " + round);
        } else {
          assertInstanceOf(NtlmStep.Refused.class, step, "round " + round);
        }
      }
      if (step instanceof NtlmStep.Refused r) {
        reasons.merge(
            r.reason().replaceAll("[0-9]+", "N").replaceAll("'[^']*'", "'X'"), 1, Integer::sum);
      }
    }
    assertTrue(
        mutatedAuthenticates > ROUNDS / 2, "enough AUTHENTICATE rounds: " + mutatedAuthenticates);
    // The mutations reach every layer, not just the signature check.
    for (String deep :
        new String[] {
          "the MIC does not match: the NTLM messages were altered on the way",
          "wrong password for 'X': the NTLMvN proof does not match",
          "AUTHENTICATE field UserName overlaps another field",
          "NTLMvN blob: the AV pair list does not end with MsvAvEOL"
        }) {
      assertTrue(reasons.containsKey(deep), deep + " not reached; reasons: " + reasons.keySet());
    }
  }

  @Test
  void randomBytesAfterASignature() {
    Random rnd = new Random(7);
    for (int round = 0; round < 5_000; round++) {
      byte[] m = new byte[rnd.nextInt(200)];
      rnd.nextBytes(m);
      if (m.length >= 12 && rnd.nextBoolean()) {
        System.arraycopy(MessageReader.SIGNATURE, 0, m, 0, 8);
        m[8] = (byte) (1 + 2 * rnd.nextInt(2));
        m[9] = m[10] = m[11] = 0;
      }
      NtlmExchange x = mechanism.newExchange();
      if (rnd.nextBoolean()) {
        x.accept(
            NtlmTestClient.withPassword("a", "", "b")
                .negotiate()); // an AUTHENTICATE now has a challenge
      }
      NtlmStep step = accept(x, m, round);
      assertTrue(
          step instanceof NtlmStep.Challenge || step instanceof NtlmStep.Refused,
          "round " + round + ": " + step);
    }
  }

  @Test
  void theBaseMessagesAreTheOnlyOnesThatPass() {
    Base b = base(NtlmTestClient.WINDOWS_FLAGS, true);
    NtlmExchange x = mechanism.newExchange();
    x.accept(b.negotiate());
    assertInstanceOf(NtlmStep.Authenticated.class, x.accept(b.authenticate().clone()));
    assertArrayEquals(b.authenticate(), b.authenticate().clone());
    assertEquals(0, server.events.size());
  }

  private static NtlmStep accept(NtlmExchange x, byte[] token, int round) {
    try {
      NtlmStep step = x.accept(token);
      if (step instanceof NtlmStep.Failed f) {
        throw new AssertionError(
            "round " + round + ": an internal failure from client input: " + f.detail());
      }
      return step;
    } catch (RuntimeException e) {
      throw new AssertionError("round " + round + ": accept threw", e);
    }
  }

  /**
   * One to four random edits: bit flips, bytes, truncation, extension, and lies in the security
   * buffers.
   */
  static byte[] mutate(byte[] original, Random rnd) {
    byte[] m = original.clone();
    int edits = 1 + rnd.nextInt(4);
    for (int i = 0; i < edits; i++) {
      switch (rnd.nextInt(11)) {
        case 0, 1 -> {
          if (m.length > 0) {
            int at = rnd.nextInt(m.length);
            m[at] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
        case 2 -> {
          if (m.length > 0) {
            m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
          }
        }
        case 3 -> m = Arrays.copyOf(m, m.length == 0 ? 0 : rnd.nextInt(m.length));
        case 4 -> {
          byte[] extra = new byte[1 + rnd.nextInt(64)];
          rnd.nextBytes(extra);
          m = NtlmTestClient.concat(m, extra);
        }
        case 5 ->
            setLength(
                m,
                BUFFER_FIELDS[rnd.nextInt(BUFFER_FIELDS.length)],
                new int[] {0xFFFF, 0, 1, rnd.nextInt(0x10000), rnd.nextInt(Math.max(1, m.length))}
                    [rnd.nextInt(5)]);
        case 6 ->
            setOffset(
                m,
                BUFFER_FIELDS[rnd.nextInt(BUFFER_FIELDS.length)],
                new int[] {
                      0xFFFFFFFF,
                      0,
                      8,
                      rnd.nextInt(Math.max(1, m.length)),
                      m.length,
                      m.length - 1,
                      0x7FFFFFFF
                    }
                    [rnd.nextInt(7)]);
        case 7 -> {
          // Move one buffer onto another: overlapping fields.
          int from = BUFFER_FIELDS[rnd.nextInt(BUFFER_FIELDS.length)];
          int to = BUFFER_FIELDS[rnd.nextInt(BUFFER_FIELDS.length)];
          if (to + 8 <= m.length && from + 8 <= m.length) {
            System.arraycopy(m, from + 4, m, to + 4, 4);
          }
        }
        case 8 -> {
          // A 16-bit lie somewhere in the payload: AV pair ids and lengths, blob fields.
          if (m.length > 66) {
            int at = 64 + rnd.nextInt(m.length - 65);
            int v = new int[] {0xFFFF, 0, 6, 7, 2, rnd.nextInt(0x10000)}[rnd.nextInt(6)];
            m[at] = (byte) v;
            m[at + 1] = (byte) (v >>> 8);
          }
        }
        case 9 -> {
          if (m.length >= 16) {
            int flags = rnd.nextInt();
            System.arraycopy(
                new byte[] {
                  (byte) flags, (byte) (flags >>> 8), (byte) (flags >>> 16), (byte) (flags >>> 24)
                },
                0,
                m,
                m.length >= 64 && rnd.nextBoolean() ? 60 : 12,
                4);
          }
        }
        default -> {
          if (m.length > 0) {
            int at = rnd.nextInt(m.length);
            int n = Math.min(m.length - at, 1 + rnd.nextInt(16));
            byte[] noise = new byte[n];
            rnd.nextBytes(noise);
            System.arraycopy(noise, 0, m, at, n);
          }
        }
      }
    }
    return m;
  }

  private static void setLength(byte[] m, int field, int length) {
    if (field + 4 <= m.length) {
      m[field] = (byte) length;
      m[field + 1] = (byte) (length >>> 8);
      m[field + 2] = (byte) length;
      m[field + 3] = (byte) (length >>> 8);
    }
  }

  private static void setOffset(byte[] m, int field, int offset) {
    if (field + 8 <= m.length) {
      for (int i = 0; i < 4; i++) {
        m[field + 4 + i] = (byte) (offset >>> (8 * i));
      }
    }
  }
}
