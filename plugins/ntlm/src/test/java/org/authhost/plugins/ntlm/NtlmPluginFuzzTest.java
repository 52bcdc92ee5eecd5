package org.authhost.plugins.ntlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;

/**
 * Coverage-guided fuzzing of the NTLM messages a client sends (MS-NLMP NEGOTIATE and AUTHENTICATE,
 * base64 after {@code "NTLM "}), through the plug-in's real {@code authenticate} on one connection.
 *
 * <p>The first input byte picks the scenario ({@link #legs}): the rest alone as the first leg, or
 * after a valid NEGOTIATE as the answer to the CHALLENGE; base64-encoded by the target (so that
 * mutations hit the message structure), or as raw header text (so that they hit the base64 reading
 * too). The server challenge is fixed ({@link NtlmFuzzTest.FixedRandom}) and so is the clock, so
 * the checked-in AUTHENTICATE seeds are valid and mutations of them reach the MIC and the NTLMv2
 * proof.
 *
 * <p>The oracle, issue 11's plug-in rule: CONTINUE or DENIED, never ERROR, never an exception, no
 * ERROR event; SUCCESS only as the seeds' user, alice — no mutation may log anyone else on.
 */
class NtlmPluginFuzzTest {
  private static final FakeServer SERVER = new FakeServer();
  private static final PluginHarness HARNESS =
      new PluginHarness(SERVER, new NtlmFuzzTest.FixedRandom());

  /** The NEGOTIATE the two-leg scenarios send first, as Windows does (it asks for a MIC). */
  static final byte[] NEGOTIATE =
      NtlmTestClient.withPassword("alice", "MEDIA01", NtlmExchangeTest.PASSWORD)
          .offer(NtlmTestClient.WINDOWS_FLAGS)
          .mic(true)
          .negotiate();

  /** The NEGOTIATE as curl sends it, no MIC. */
  static final byte[] CURL_NEGOTIATE =
      NtlmTestClient.withPassword("alice", "MEDIA01", NtlmExchangeTest.PASSWORD)
          .offer(NtlmTestClient.CURL_FLAGS)
          .mic(false)
          .negotiate();

  @FuzzTest(maxDuration = "")
  void legs(byte[] input) {
    int mode = input.length == 0 ? 0 : input[0] & 0x07;
    byte[] rest = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    boolean raw = (mode & 1) != 0;
    byte[] first = (mode & 2) != 0 ? NEGOTIATE : (mode & 4) != 0 ? CURL_NEGOTIATE : null;
    PluginHarness.Connection c = HARNESS.connect();
    try {
      if (first != null) {
        PluginHarness.Answer challenge = c.send(Base64.getEncoder().encodeToString(first));
        assertEquals(AuthenticationResult.CONTINUE, challenge.result(), "the valid NEGOTIATE");
      }
      String leg =
          raw
              ? new String(rest, StandardCharsets.ISO_8859_1)
              : Base64.getEncoder().encodeToString(rest);
      PluginHarness.Answer a = c.send(leg);
      // S_OK, or S_FALSE for a refusal that is not a wrong credential (API 1.3): never a failure.
      assertTrue(
          a.hr().equals(HResult.S_OK) || a.hr().equals(HResult.S_FALSE), String.valueOf(a.hr()));
      switch (a.result()) {
        case CONTINUE, DENIED -> {}
        case SUCCESS -> {
          String name = c.user.userName().orElse("");
          assertTrue(name.equalsIgnoreCase("alice"), "a mutation logged on " + name);
        }
        default -> throw new AssertionError("client input gave " + a.result());
      }
    } finally {
      c.context.release();
    }
    synchronized (SERVER) {
      assertEquals(List.of(), SERVER.texts(EventLevel.ERROR), "no ERROR event");
      assertTrue(SERVER.openHandles.isEmpty(), "every token closed: " + SERVER.openHandles);
      SERVER.events.clear(); // refusal events: keep a long campaign's memory flat
    }
  }
}
