package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;

/**
 * Coverage-guided fuzzing of what a Negotiate client sends: SPNEGO (RFC 4178) in DER, raw NTLMSSP,
 * and Kerberos tokens, base64 after {@code "Negotiate "}.
 *
 * <p>{@link #tokens}: through the plug-in's real {@code authenticate}, with the bundled NTLM and a
 * Kerberos acceptor that refuses (there is no KDC here). The first input byte picks the scenario:
 * bit 0, the rest as raw header text rather than encoded by the target; bit 1, after a valid
 * NegTokenInit carrying an NTLM NEGOTIATE, so that the rest is read as a NegTokenResp. The oracle,
 * issue 11's plug-in rule: CONTINUE or DENIED, never ERROR, never an exception, no ERROR event, and
 * never SUCCESS (nothing here can prove a password).
 *
 * <p>{@link #messages}: the DER reader under SPNEGO alone: any bytes are read or {@link Malformed},
 * and what is read encodes back to the same values.
 */
class NegotiateFuzzTest {
  private static final PluginHarness HARNESS = PluginHarness.withRealNtlm();

  /** The NegTokenInit of the two-leg scenario: NTLM first, with its NEGOTIATE, as Windows sends. */
  static final byte[] INIT =
      Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), SpnegoTest.NEGOTIATE, null);

  @FuzzTest(maxDuration = "")
  void tokens(byte[] input) {
    int mode = input.length == 0 ? 0 : input[0] & 0x03;
    byte[] rest = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    AuthenticationContext c = HARNESS.connection();
    try {
      if ((mode & 2) != 0) {
        assertEquals(AuthenticationResult.CONTINUE, HARNESS.send(c, INIT).result());
      }
      PluginHarness.Answer a =
          (mode & 1) != 0
              ? HARNESS.sendText(c, new String(rest, StandardCharsets.ISO_8859_1))
              : HARNESS.send(c, rest);
      // S_OK, or S_FALSE for a refusal that is not a wrong credential (API 1.3): never a failure.
      assertTrue(
          a.hr().equals(HResult.S_OK) || a.hr().equals(HResult.S_FALSE), String.valueOf(a.hr()));
      assertTrue(
          a.result() == AuthenticationResult.CONTINUE || a.result() == AuthenticationResult.DENIED,
          "client input gave " + a.result());
    } finally {
      c.release();
    }
    synchronized (HARNESS.server) {
      assertEquals(List.of(), HARNESS.server.texts(EventLevel.ERROR), "no ERROR event");
      HARNESS.server.events.clear(); // refusal events: keep a long campaign's memory flat
    }
    HARNESS.kerberosTokens.clear();
  }

  @FuzzTest(maxDuration = "")
  void messages(byte[] token) {
    Spnego.Kind kind = Spnego.kind(token);
    try {
      Spnego.NegTokenInit init = Spnego.parseInit(token);
      assertEquals(Spnego.Kind.INITIAL, kind);
      assertEquals(Spnego.SPNEGO_OID, Spnego.initialMech(token));
      assertTrue(!init.mechTypes().isEmpty());
      for (String oid : init.mechTypes()) {
        assertEquals(oid, Der.oid(new Der.Reader(Der.encodeOid(oid)).read(Der.OID, "oid")));
      }
    } catch (Malformed e) {
      // Said why; nothing else may be thrown.
    }
    try {
      Spnego.NegTokenResp resp = Spnego.parseResp(token);
      assertEquals(Spnego.Kind.RESPONSE, kind);
      Spnego.NegTokenResp again =
          Spnego.parseResp(
              Spnego.encodeResp(
                  resp.negState(), resp.supportedMech(), resp.responseToken(), resp.mechListMic()));
      assertEquals(resp.negState(), again.negState());
      assertEquals(resp.supportedMech(), again.supportedMech());
      assertArrayEquals(resp.responseToken(), again.responseToken());
      assertArrayEquals(resp.mechListMic(), again.mechListMic());
    } catch (Malformed e) {
      // Said why; nothing else may be thrown.
    }
    try {
      Spnego.initialMech(token);
    } catch (Malformed e) {
      // Said why; nothing else may be thrown.
    }
  }
}
