package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.api.support.PluginEvents;
import org.authhost.plugins.ntlm.NtlmStep;
import org.junit.jupiter.api.Test;

/**
 * The choice of mechanism and the SPNEGO wrapping, with a scripted NTLM mechanism and a scripted
 * Kerberos acceptor: which tokens reach which mechanism, what goes back, and that bad tokens are
 * DENIED with a reason and never an exception.
 */
class NegotiateContextTest {
  private static final HexFormat HEX = HexFormat.of();
  static final byte[] KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  static final byte[] NEGOTIATE = SpnegoTest.NEGOTIATE;
  static final byte[] CHALLENGE = ntlm(2, 56, 0);

  /** ESS | 128 | KEY_EXCH, as a Windows AUTHENTICATE has them. */
  static final int FLAGS =
      NtlmSigning.NEGOTIATE_EXTENDED_SESSIONSECURITY
          | NtlmSigning.NEGOTIATE_128
          | NtlmSigning.NEGOTIATE_KEY_EXCH
          | 0x1;

  static final byte[] AUTHENTICATE = ntlm(3, 88, FLAGS);
  static final byte[] WRONG_AUTHENTICATE = ntlm(3, 88, FLAGS | 0x2);

  /**
   * An NTLMSSP message of {@code type}, {@code length} bytes, flags at offset 60 (AUTHENTICATE).
   */
  static byte[] ntlm(int type, int length, int flags) {
    byte[] m = Arrays.copyOf("NTLMSSP\0".getBytes(StandardCharsets.ISO_8859_1), length);
    m[8] = (byte) type;
    if (length >= 64) {
      for (int i = 0; i < 4; i++) {
        m[60 + i] = (byte) (flags >>> (8 * i));
      }
    }
    return m;
  }

  /** A scripted NTLM mechanism: NEGOTIATE → CHALLENGE, the right AUTHENTICATE → alice. */
  static final class FakeNtlm implements NtlmPort {
    final List<byte[]> seen = new ArrayList<>();
    String account = "alice";

    /** What the Authenticated step says about the AUTHENTICATE's MIC. */
    boolean micVerified;

    NtlmStep failure;

    @Override
    public Leg newExchange() {
      int[] legs = {0};
      return token -> {
        seen.add(token);
        legs[0]++;
        if (failure != null) {
          return failure;
        }
        if (legs[0] == 1 && Spnego.ntlmMessageType(token) == 1) {
          return new NtlmStep.Challenge(CHALLENGE);
        }
        if (legs[0] == 2 && Arrays.equals(token, AUTHENTICATE)) {
          return new NtlmStep.Authenticated(account, "", "WS", KEY.clone(), micVerified);
        }
        return new NtlmStep.Refused("wrong password for alice");
      };
    }

    @Override
    public List<String> startupWarnings() {
      return List.of("NTLM is weaker than Kerberos");
    }
  }

  private final FakeNtlm ntlm = new FakeNtlm();
  private final PluginHarness h = new PluginHarness(ntlm);

  @Test
  void theFirstLegOffersABareNegotiate() {
    PluginHarness.Answer a = h.send(h.connection(), null);
    assertEquals(AuthenticationResult.CONTINUE, a.result());
    assertNull(a.blob(), "a bare WWW-Authenticate: Negotiate");
    assertEquals(
        List.of("NTLM inside Negotiate: NTLM is weaker than Kerberos"),
        h.server.texts(EventLevel.WARNING),
        "the mechanism's warnings at enable");
  }

  @Test
  void rawNtlmsspGoesToNtlmAndComesBackRaw() {
    AuthenticationContext c = h.connection();
    PluginHarness.Answer challenge = h.send(c, NEGOTIATE);
    assertEquals(AuthenticationResult.CONTINUE, challenge.result());
    assertArrayEquals(CHALLENGE, challenge.token());
    assertTrue(challenge.blob().startsWith("TlRMTVNTUAAC"), challenge.blob());
    PluginHarness.Answer done = h.send(c, AUTHENTICATE);
    assertEquals(AuthenticationResult.SUCCESS, done.result());
    assertNull(done.blob(), "raw NTLM has no final token");
    assertEquals(List.of("alice"), h.server.logons);
    assertEquals("alice", h.user.name);
    Out<TokenHandle> token = new Out<>();
    assertEquals(HResult.S_OK, c.getImpersonationToken(token));
    assertTrue(h.server.openHandles.contains(token.get().value()));
    c.release();
    assertTrue(h.server.openHandles.isEmpty(), "release closes the token");
    assertEquals(HResult.SEC_E_INVALID_HANDLE, c.getImpersonationToken(new Out<>()));
    assertEquals(2, ntlm.seen.size());
    assertArrayEquals(NEGOTIATE, ntlm.seen.get(0));
    assertArrayEquals(AUTHENTICATE, ntlm.seen.get(1));
    assertTrue(h.kerberosTokens.isEmpty(), "Kerberos saw nothing");
  }

  @Test
  void ntlmInsideSpnegoIsWrappedBothWays() throws Exception {
    AuthenticationContext c = h.connection();
    byte[] init = Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, null);
    PluginHarness.Answer first = h.send(c, init);
    assertEquals(AuthenticationResult.CONTINUE, first.result());
    Spnego.NegTokenResp resp = Spnego.parseResp(first.token());
    assertEquals(Spnego.ACCEPT_INCOMPLETE, resp.negState());
    assertEquals(Spnego.NTLMSSP_OID, resp.supportedMech());
    assertArrayEquals(CHALLENGE, resp.responseToken());
    assertArrayEquals(NEGOTIATE, ntlm.seen.get(0), "the mechToken reached NTLM unwrapped");

    PluginHarness.Answer done = h.send(c, Spnego.encodeResp(-1, null, AUTHENTICATE, null));
    assertEquals(AuthenticationResult.SUCCESS, done.result());
    Spnego.NegTokenResp last = Spnego.parseResp(done.token());
    assertEquals(Spnego.ACCEPT_COMPLETED, last.negState());
    assertNull(last.mechListMic(), "no MIC asked, none given");
    assertEquals(List.of("alice"), h.server.logons);
    assertTrue(h.kerberosTokens.isEmpty());
  }

  @Test
  void theMechListMicIsCheckedAndAnswered() throws Exception {
    byte[] init = Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, null);
    byte[] mechTypes = Spnego.parseInit(init).mechTypesEncoding();
    byte[] clientMic =
        NtlmSigning.firstSignature(KEY, FLAGS, NtlmSigning.Direction.CLIENT_TO_SERVER, mechTypes);

    AuthenticationContext c = h.connection();
    h.send(c, init);
    PluginHarness.Answer done = h.send(c, Spnego.encodeResp(-1, null, AUTHENTICATE, clientMic));
    assertEquals(AuthenticationResult.SUCCESS, done.result());
    byte[] serverMic = Spnego.parseResp(done.token()).mechListMic();
    assertArrayEquals(
        NtlmSigning.firstSignature(KEY, FLAGS, NtlmSigning.Direction.SERVER_TO_CLIENT, mechTypes),
        serverMic,
        "the server signs the list with its own keys");

    // The list as a downgrading attacker would rewrite it: the client's MIC no longer fits.
    byte[] tampered = Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID), NEGOTIATE, null);
    AuthenticationContext d = h.connection();
    h.send(d, tampered);
    PluginHarness.Answer refused = h.send(d, Spnego.encodeResp(-1, null, AUTHENTICATE, clientMic));
    assertEquals(AuthenticationResult.DENIED, refused.result());
    assertEquals(HResult.S_OK, refused.hr());
    assertTrue(
        h.refusals().get(h.refusals().size() - 1).contains("mechListMIC does not match"),
        h.refusals().toString());
    assertEquals(1, h.server.logons.size());
  }

  @Test
  void spnegoNtlmWithoutAnOptimisticTokenAsksForIt() throws Exception {
    AuthenticationContext c = h.connection();
    PluginHarness.Answer first =
        h.send(c, Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID), null, null));
    Spnego.NegTokenResp resp = Spnego.parseResp(first.token());
    assertEquals(Spnego.ACCEPT_INCOMPLETE, resp.negState());
    assertEquals(Spnego.NTLMSSP_OID, resp.supportedMech());
    assertNull(resp.responseToken());
    assertArrayEquals(
        CHALLENGE,
        Spnego.parseResp(h.send(c, Spnego.encodeResp(-1, null, NEGOTIATE, null)).token())
            .responseToken());
    assertEquals(
        AuthenticationResult.SUCCESS,
        h.send(c, Spnego.encodeResp(-1, null, AUTHENTICATE, null)).result());
  }

  @Test
  void kerberosTokensGoWholeToTheJdkAndTheAccountIsMapped() {
    byte[] init =
        Spnego.encodeInit(
            List.of(Spnego.MS_KRB5_OID, Spnego.KRB5_OID, Spnego.NTLMSSP_OID),
            new byte[] {1, 2, 3},
            null);
    h.kerberos = t -> new Step.Established("alice@TEST.LOCAL", new byte[] {9, 9});
    AuthenticationContext c = h.connection();
    PluginHarness.Answer done = h.send(c, init);
    assertEquals(AuthenticationResult.SUCCESS, done.result());
    assertArrayEquals(new byte[] {9, 9}, done.token(), "the mutual-authentication token");
    assertArrayEquals(init, h.kerberosTokens.get(0).get(0));
    assertEquals(List.of("alice"), h.server.logons);
    assertTrue(ntlm.seen.isEmpty());
    assertEquals(1, h.disposedHandshakes, "the GSS context is freed once established");
    Out<String> id = new Out<>();
    c.getLogicalUserId(id);
    assertEquals("alice", id.get());
    c.release();
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void aMultiLegKerberosExchangeStaysOnOneGssContext() {
    int[] legs = {0};
    h.kerberos =
        t ->
            ++legs[0] == 1
                ? new Step.Continue(new byte[] {7})
                : new Step.Established("bob@TEST.LOCAL", null);
    AuthenticationContext c = h.connection();
    PluginHarness.Answer first = h.send(c, Spnego.encodeInit(List.of(Spnego.KRB5_OID), null, null));
    assertEquals(AuthenticationResult.CONTINUE, first.result());
    assertArrayEquals(new byte[] {7}, first.token());
    PluginHarness.Answer done = h.send(c, Spnego.encodeResp(-1, null, new byte[] {5}, null));
    assertEquals(AuthenticationResult.SUCCESS, done.result());
    assertNull(done.blob());
    assertEquals(1, h.kerberosTokens.size());
    assertEquals(2, h.kerberosTokens.get(0).size());
    assertEquals(List.of("bob"), h.server.logons);
  }

  @Test
  void aBareKerberosTokenGoesToTheJdk() {
    byte[] krb = Der.tlv(0x60, Der.encodeOid(Spnego.KRB5_OID), new byte[] {1, 0, 0x6e, 0});
    h.kerberos = t -> new Step.Established("alice@TEST.LOCAL", null);
    assertEquals(AuthenticationResult.SUCCESS, h.send(h.connection(), krb).result());
  }

  @Test
  void gssRefusalsAreDeniedWithTheReason() {
    h.kerberos = t -> new Step.Refused("GSS-API refused the token: Request is a replay (34)");
    PluginHarness.Answer a =
        h.send(h.connection(), Spnego.encodeInit(List.of(Spnego.KRB5_OID), new byte[] {1}, null));
    assertEquals(AuthenticationResult.DENIED, a.result());
    // A refused ticket names nobody and is no guess at a password: benign (API 1.3).
    assertEquals(HResult.S_FALSE, a.hr());
    assertNull(a.blob());
    assertEquals(
        List.of(
            "Negotiate from 192.0.2.7 refused: GSS-API refused the token: Request is a replay (34)"),
        h.refusals());
  }

  @Test
  void aTicketForAKeyTheKeytabLacksWarnsTheOperator() {
    h.kerberos =
        t ->
            new Step.Refused(
                "GSS-API refused the token: Specified version of key is not available (44)", true);
    assertEquals(
        AuthenticationResult.DENIED,
        h.send(h.connection(), Spnego.encodeInit(List.of(Spnego.KRB5_OID), new byte[] {1}, null))
            .result());
    assertTrue(
        h.server.texts(EventLevel.WARNING).stream()
            .anyMatch(w -> w.contains("(44)") && w.contains("ktadd")),
        h.server.texts(EventLevel.WARNING).toString());
  }

  @Test
  void aPrincipalWithoutALocalAccountIsDenied() {
    h.kerberos = t -> new Step.Established("carol@TEST.LOCAL", null);
    PluginHarness.Answer a =
        h.send(h.connection(), Spnego.encodeInit(List.of(Spnego.KRB5_OID), new byte[] {1}, null));
    assertEquals(AuthenticationResult.DENIED, a.result());
    assertTrue(
        h.refusals()
            .get(0)
            .contains(
                "principal 'carol@TEST.LOCAL' maps to account 'carol', which is not a "
                    + "local account"),
        h.refusals().toString());
    assertEquals("carol@TEST.LOCAL", h.user.name, "the host's audit names who was refused");
    h.kerberos = t -> new Step.Established("alice@ELSEWHERE", null);
    assertEquals(
        AuthenticationResult.DENIED,
        h.send(h.connection(), Spnego.encodeInit(List.of(Spnego.KRB5_OID), new byte[] {1}, null))
            .result());
    assertTrue(h.refusals().get(1).contains("realm ELSEWHERE"), h.refusals().toString());
    assertTrue(h.server.logons.isEmpty());
  }

  @Test
  void ntlmRefusalsAndFaults() {
    ntlm.failure = new NtlmStep.Refused("NTLMv1 is not accepted");
    assertEquals(AuthenticationResult.DENIED, h.send(h.connection(), NEGOTIATE).result());
    assertEquals(
        "Negotiate from 192.0.2.7 refused: NTLM: NTLMv1 is not accepted", h.refusals().get(0));
    ntlm.failure = new NtlmStep.Failed(HResult.E_FAIL, "account store unreadable");
    PluginHarness.Answer fault = h.send(h.connection(), NEGOTIATE);
    assertEquals(AuthenticationResult.ERROR, fault.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, fault.hr());
    assertTrue(
        h.server
            .texts(EventLevel.ERROR)
            .get(0)
            .startsWith("the NTLM mechanism failed: account store unreadable"));
  }

  @Test
  void outOfOrderAndForeignTokensAreDenied() {
    List<byte[]> tokens =
        List.of(
            AUTHENTICATE,
            CHALLENGE,
            Spnego.encodeResp(-1, null, AUTHENTICATE, null),
            new byte[] {0x30, 0x00},
            "garbage".getBytes(StandardCharsets.US_ASCII),
            Der.tlv(0x60, Der.encodeOid("1.2.3.4"), new byte[] {1}),
            Spnego.encodeInit(List.of("1.2.3.4"), null, null));
    for (byte[] t : tokens) {
      PluginHarness.Answer a = h.send(h.connection(), t);
      assertEquals(AuthenticationResult.DENIED, a.result(), HEX.formatHex(t));
      assertEquals(HResult.S_FALSE, a.hr(), "malformed: no guess at a password");
    }
    assertEquals(tokens.size(), h.refusals().size());
    assertTrue(h.kerberosTokens.isEmpty() && ntlm.seen.isEmpty(), "no mechanism saw any of them");
    // SPNEGO-NTLM: a second NEGOTIATE where the AUTHENTICATE belongs.
    AuthenticationContext c = h.connection();
    h.send(c, Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID), NEGOTIATE, null));
    assertEquals(
        AuthenticationResult.DENIED,
        h.send(c, Spnego.encodeResp(-1, null, NEGOTIATE, null)).result());
  }

  @Test
  void badTextIsDenied() {
    for (String text :
        List.of("not base64!", "====", "YQ", "a".repeat(NegotiateContext.MAX_BLOB + 4))) {
      PluginHarness.Answer a = h.sendText(h.connection(), text);
      assertEquals(AuthenticationResult.DENIED, a.result(), text.length() > 20 ? "long" : text);
    }
    assertTrue(h.refusals().get(0).contains("not base64"), h.refusals().toString());
    assertTrue(h.refusals().stream().allMatch(r -> r.length() <= PluginEvents.MAX_CLIENT_TEXT + 3));
  }

  @Test
  void mangledSpnegoIsDeniedNeverThrown() {
    Random random = new Random(4178);
    byte[] valid = Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, null);
    h.kerberos = t -> new Step.Refused("fake");
    for (int i = 0; i < 3000; i++) {
      byte[] t = valid.clone();
      if (random.nextBoolean()) {
        t = Arrays.copyOf(t, random.nextInt(t.length) + 1);
      } else {
        t[random.nextInt(t.length)] = (byte) random.nextInt(256);
      }
      PluginHarness.Answer a = h.send(h.connection(), t);
      // CONTINUE, or a refusal of a malformed token (benign, naming nobody): never a failure.
      assertFalse(a.hr().failed(), a.toString());
      assertTrue(
          a.result() == AuthenticationResult.DENIED || a.result() == AuthenticationResult.CONTINUE,
          a.toString());
    }
    assertTrue(h.server.texts(EventLevel.ERROR).isEmpty());
  }

  @Test
  void aNewHandshakeOnTheSameConnectionReplacesTheToken() {
    h.kerberos = t -> new Step.Established("alice@TEST.LOCAL", null);
    AuthenticationContext c = h.connection();
    byte[] init = Spnego.encodeInit(List.of(Spnego.KRB5_OID), new byte[] {1}, null);
    assertEquals(AuthenticationResult.SUCCESS, h.send(c, init).result());
    assertEquals(
        AuthenticationResult.SUCCESS,
        h.send(c, NEGOTIATE).result() == AuthenticationResult.CONTINUE
            ? h.send(c, AUTHENTICATE).result()
            : AuthenticationResult.ERROR);
    assertEquals(1, h.server.openHandles.size(), "the first token was closed when the second came");
    c.release();
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void aHostThatCannotLogOnIsAFault() {
    h.server.logonAnswer = HResult.E_ACCESSDENIED;
    h.kerberos = t -> new Step.Established("alice@TEST.LOCAL", null);
    PluginHarness.Answer a =
        h.send(h.connection(), Spnego.encodeInit(List.of(Spnego.KRB5_OID), new byte[] {1}, null));
    assertEquals(AuthenticationResult.ERROR, a.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, a.hr());
  }

  @Test
  void withoutNtlmRawNtlmsspIsDeniedAndNtlmFirstListsGoToKerberos() {
    PluginHarness noNtlm = new PluginHarness(null);
    assertEquals(AuthenticationResult.DENIED, noNtlm.send(noNtlm.connection(), NEGOTIATE).result());
    assertTrue(noNtlm.refusals().get(0).contains("allowNtlm=false"));
    noNtlm.kerberos = t -> new Step.Continue(new byte[] {4});
    byte[] init = Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, null);
    assertEquals(
        AuthenticationResult.CONTINUE,
        noNtlm.send(noNtlm.connection(), init).result(),
        "the JDK answers with its own choice of Kerberos");
    assertArrayEquals(init, noNtlm.kerberosTokens.get(0).get(0));
  }

  private static byte[] krb() {
    return Spnego.encodeInit(List.of(Spnego.KRB5_OID), new byte[] {1}, null);
  }

  @Test
  void aLegAfterReleaseIsAnErrorButNoFailure() {
    AuthenticationContext c = h.connection();
    assertEquals(AuthenticationResult.CONTINUE, h.send(c, NEGOTIATE).result());
    c.release(); // the connection closed on another worker while the next leg was on its way
    PluginHarness.Answer late = h.send(c, AUTHENTICATE);
    assertEquals(AuthenticationResult.ERROR, late.result());
    assertEquals(
        HResult.S_OK, late.hr(), "a failing HRESULT would take the plug-in out of service");
    assertNull(late.blob());
    assertTrue(h.server.texts(EventLevel.ERROR).isEmpty());
    assertTrue(h.server.logons.isEmpty());
    assertEquals(
        HResult.SEC_E_INVALID_HANDLE, c.getImpersonationToken(new Out<>()), "the SSPI rule stays");
  }

  @Test
  void theRuleNeverLogsOnTheBuiltInAccounts() {
    for (String principal :
        List.of("ADMINISTRATOR@TEST.LOCAL", "Administrator@TEST.LOCAL", "guest@TEST.LOCAL")) {
      h.kerberos = t -> new Step.Established(principal, null);
      PluginHarness.Answer a = h.send(h.connection(), krb());
      assertEquals(AuthenticationResult.DENIED, a.result(), principal);
      assertEquals(HResult.S_OK, a.hr());
      assertTrue(
          h.refusals().get(h.refusals().size() - 1).contains("built-in account"),
          h.refusals().toString());
    }
    assertTrue(h.server.logons.isEmpty(), "logonUser was never asked: " + h.server.logons);
  }

  @Test
  void aPrincipalThatDiffersInCaseFromItsAccountIsRefused() {
    h.kerberos = t -> new Step.Established("ALICE@TEST.LOCAL", null);
    AuthenticationContext c = h.connection();
    PluginHarness.Answer a = h.send(c, krb());
    assertEquals(AuthenticationResult.DENIED, a.result());
    assertEquals(HResult.S_OK, a.hr());
    assertEquals(
        "Negotiate from 192.0.2.7 refused: principal ALICE@TEST.LOCAL differs in case from local account "
            + "alice; add map.ALICE@TEST.LOCAL=alice if they are the same person",
        h.refusals().get(0));
    assertTrue(h.server.openHandles.isEmpty(), "the token the host issued is closed again");
    assertEquals(HResult.SEC_E_NO_IMPERSONATION, c.getImpersonationToken(new Out<>()));
    assertEquals("ALICE@TEST.LOCAL", h.user.name, "the audit names the principal");
  }

  @Test
  void explicitEntriesReachBuiltInAccountsAndOtherCases() {
    PluginHarness mapped =
        new PluginHarness(
            ntlm, "map.ALICE@TEST.LOCAL", "alice", "map.root@TEST.LOCAL", "administrator");
    for (String principal : List.of("ALICE@TEST.LOCAL", "root@TEST.LOCAL")) {
      mapped.kerberos = t -> new Step.Established(principal, null);
      assertEquals(
          AuthenticationResult.SUCCESS,
          mapped.send(mapped.connection(), krb()).result(),
          mapped.refusals().toString());
    }
    assertEquals(List.of("alice", "administrator"), mapped.server.logons);
  }

  @Test
  void keyWarningsAreRateLimited() {
    h.kerberos =
        t ->
            new Step.Refused(
                "GSS-API refused the token: Specified version of key is not available (44)", true);
    for (int i = 0; i < 5; i++) {
      assertEquals(AuthenticationResult.DENIED, h.send(h.connection(), krb()).result());
      h.clock.advance(Duration.ofSeconds(10));
    }
    List<String> warnings = keyWarnings();
    assertEquals(1, warnings.size(), warnings.toString());
    assertEquals(5, h.refusals().size(), "each one is still an audited refusal");
    h.clock.advance(Duration.ofSeconds(10)); // 60 s after the first
    h.send(h.connection(), krb());
    warnings = keyWarnings();
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(1).contains("(4 more such tickets"), warnings.get(1));
  }

  private List<String> keyWarnings() {
    return h.server.texts(EventLevel.WARNING).stream().filter(w -> w.contains("keytab")).toList();
  }

  @Test
  void aClientMicWithoutAMechListMicIsRefusedInsideSpnego() {
    ntlm.micVerified = true;
    AuthenticationContext c = h.connection();
    h.send(c, Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, null));
    PluginHarness.Answer refused = h.send(c, Spnego.encodeResp(-1, null, AUTHENTICATE, null));
    assertEquals(AuthenticationResult.DENIED, refused.result());
    assertEquals(HResult.S_OK, refused.hr());
    assertTrue(
        h.refusals().get(0).contains("no mechListMIC") && h.refusals().get(0).contains("MS-SPNG"),
        h.refusals().toString());
    assertTrue(h.server.logons.isEmpty());
  }

  @Test
  void aClientMicIsFineInRawNtlmAndWithAMechListMic() throws Exception {
    ntlm.micVerified = true;
    AuthenticationContext c = h.connection();
    h.send(c, NEGOTIATE);
    assertEquals(
        AuthenticationResult.SUCCESS,
        h.send(c, AUTHENTICATE).result(),
        "raw NTLMSSP has no mechListMIC");

    byte[] init = Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, null);
    byte[] mic =
        NtlmSigning.firstSignature(
            KEY,
            FLAGS,
            NtlmSigning.Direction.CLIENT_TO_SERVER,
            Spnego.parseInit(init).mechTypesEncoding());
    AuthenticationContext d = h.connection();
    h.send(d, init);
    assertEquals(
        AuthenticationResult.SUCCESS,
        h.send(d, Spnego.encodeResp(-1, null, AUTHENTICATE, mic)).result());
    assertEquals(List.of("alice", "alice"), h.server.logons);
  }

  @Test
  void aKerberosLegAfterDisableIsAnErrorWithoutAKeytabWarning() {
    int[] legs = {0};
    h.kerberos =
        t ->
            ++legs[0] == 1
                ? new Step.Continue(new byte[] {7})
                : new Step.Established("bob@TEST.LOCAL", null);
    AuthenticationContext c = h.connection();
    assertEquals(AuthenticationResult.CONTINUE, h.send(c, krb()).result());
    assertEquals(HResult.S_OK, h.plugin.disable());
    assertEquals(1, h.disposedAcceptors);
    PluginHarness.Answer late = h.send(c, Spnego.encodeResp(-1, null, new byte[] {5}, null));
    assertEquals(AuthenticationResult.ERROR, late.result());
    assertEquals(HResult.S_OK, late.hr());
    assertTrue(keyWarnings().isEmpty(), h.server.texts(EventLevel.WARNING).toString());
    assertTrue(h.server.texts(EventLevel.ERROR).isEmpty());
    assertTrue(h.server.logons.isEmpty());
    c.release();
  }

  @Test
  void shutdownWithoutDisableStillDropsTheCredential() {
    assertEquals(HResult.S_OK, h.plugin.shutdown());
    assertEquals(1, h.disposedAcceptors);
  }

  @Test
  void warningsCutWhatTheClientSent() {
    PluginEvents events = new PluginEvents(h.server.eventLog(), FakeServer.values());
    events.warning("lead: ", "x".repeat(5000), "; fix it");
    String w =
        h.server.texts(EventLevel.WARNING).get(h.server.texts(EventLevel.WARNING).size() - 1);
    assertEquals("lead: " + "x".repeat(PluginEvents.MAX_CLIENT_TEXT) + "...; fix it", w);
  }
}
