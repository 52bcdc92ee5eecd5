package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.plugins.ntlm.NtlmTestClient;
import org.junit.jupiter.api.Test;

/**
 * Full three-leg NTLMv2 handshakes through the plug-in and the bundled NTLM mechanism, driven by
 * the NTLM module's independent test client: raw NTLMSSP under Negotiate, and NTLM inside SPNEGO
 * with and without a mechListMIC.
 */
class NtlmHandshakeTest {
  private static final String PASSWORD = "Wonderland 1865";
  private final PluginHarness h = PluginHarness.withRealNtlm();

  @Test
  void rawNtlmsspUnderNegotiate() {
    NtlmTestClient client = NtlmTestClient.withPassword("alice", "", PASSWORD).mic(true);
    AuthenticationContext c = h.connection();
    PluginHarness.Answer challenge = h.send(c, client.negotiate());
    assertEquals(AuthenticationResult.CONTINUE, challenge.result());
    assertTrue(
        challenge.blob().startsWith("TlRMTVNTUAAC"),
        "a raw CHALLENGE, base64: " + challenge.blob());
    client.readChallenge(challenge.token());
    PluginHarness.Answer done = h.send(c, client.authenticateV2());
    assertEquals(AuthenticationResult.SUCCESS, done.result(), h.refusals().toString());
    assertNull(done.blob());
    assertEquals(List.of("alice"), h.server.logons);
    c.release();
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void curlStyleRawNtlmWithoutUnicodeOrMic() {
    NtlmTestClient client =
        NtlmTestClient.withPassword("alice", "", PASSWORD).offer(NtlmTestClient.CURL_FLAGS);
    AuthenticationContext c = h.connection();
    client.readChallenge(h.send(c, client.negotiate()).token());
    assertEquals(
        AuthenticationResult.SUCCESS,
        h.send(c, client.authenticateV2()).result(),
        h.refusals().toString());
  }

  @Test
  void ntlmInsideSpnegoWithAMechListMicBothWays() throws Exception {
    NtlmTestClient client = NtlmTestClient.withPassword("alice", "", PASSWORD).mic(true);
    byte[] init =
        Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), client.negotiate(), null);
    byte[] mechTypes = Spnego.parseInit(init).mechTypesEncoding();
    AuthenticationContext c = h.connection();
    PluginHarness.Answer first = h.send(c, init);
    assertEquals(AuthenticationResult.CONTINUE, first.result());
    Spnego.NegTokenResp resp = Spnego.parseResp(first.token());
    assertEquals(Spnego.ACCEPT_INCOMPLETE, resp.negState());
    assertEquals(Spnego.NTLMSSP_OID, resp.supportedMech());
    client.readChallenge(resp.responseToken());

    byte[] authenticate = client.authenticateV2();
    int flags = client.challengeFlags();
    byte[] mic = mic(client.exportedSessionKey(), flags, "client-to-server", mechTypes);
    PluginHarness.Answer done = h.send(c, Spnego.encodeResp(-1, null, authenticate, mic));
    assertEquals(AuthenticationResult.SUCCESS, done.result(), h.refusals().toString());
    Spnego.NegTokenResp last = Spnego.parseResp(done.token());
    assertEquals(Spnego.ACCEPT_COMPLETED, last.negState());
    assertArrayEquals(
        mic(client.exportedSessionKey(), flags, "server-to-client", mechTypes),
        last.mechListMic(),
        "the server's mechListMIC, as the client will check it");
    assertEquals(List.of("alice"), h.server.logons);
  }

  @Test
  void ntlmInsideSpnegoWithoutMicAndAWrongPassword() throws Exception {
    NtlmTestClient good = NtlmTestClient.withPassword("alice", "", PASSWORD);
    AuthenticationContext c = h.connection();
    PluginHarness.Answer first =
        h.send(c, Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID), good.negotiate(), null));
    good.readChallenge(Spnego.parseResp(first.token()).responseToken());
    assertEquals(
        AuthenticationResult.SUCCESS,
        h.send(c, Spnego.encodeResp(-1, null, good.authenticateV2(), null)).result());

    NtlmTestClient bad = NtlmTestClient.withPassword("alice", "", "not the password");
    AuthenticationContext d = h.connection();
    PluginHarness.Answer challenge =
        h.send(d, Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID), bad.negotiate(), null));
    bad.readChallenge(Spnego.parseResp(challenge.token()).responseToken());
    PluginHarness.Answer refused =
        h.send(d, Spnego.encodeResp(-1, null, bad.authenticateV2(), null));
    assertEquals(AuthenticationResult.DENIED, refused.result());
    assertEquals(HResult.S_OK, refused.hr());
    assertTrue(
        h.refusals().get(0).startsWith("Negotiate from 192.0.2.7 refused: NTLM: "),
        h.refusals().toString());
  }

  @Test
  void aWrongMechListMicIsRefusedEvenWithTheRightPassword() throws Exception {
    NtlmTestClient client = NtlmTestClient.withPassword("alice", "", PASSWORD).mic(true);
    AuthenticationContext c = h.connection();
    byte[] init =
        Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), client.negotiate(), null);
    client.readChallenge(Spnego.parseResp(h.send(c, init).token()).responseToken());
    byte[] authenticate = client.authenticateV2();
    // Signed over a list without Kerberos: what a downgrade would leave the client believing.
    byte[] shorter =
        Spnego.parseInit(Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID), null, null))
            .mechTypesEncoding();
    byte[] mic =
        mic(client.exportedSessionKey(), client.challengeFlags(), "client-to-server", shorter);
    assertEquals(
        AuthenticationResult.DENIED,
        h.send(c, Spnego.encodeResp(-1, null, authenticate, mic)).result());
    assertTrue(h.refusals().get(0).contains("mechListMIC does not match"), h.refusals().toString());
    assertTrue(h.server.logons.isEmpty());
  }

  /** MS-NLMP §3.4.4.2 GSS_GetMIC with sequence number 0, written out again here. */
  private static byte[] mic(byte[] key, int flags, String direction, byte[] message)
      throws Exception {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    md5.update(key);
    byte[] signKey =
        md5.digest(
            ("session key to " + direction + " signing key magic constant\0")
                .getBytes(StandardCharsets.US_ASCII));
    int keyLength = (flags & 0x20000000) != 0 ? 16 : (flags & 0x80000000) != 0 ? 7 : 5;
    md5.update(key, 0, keyLength);
    byte[] sealKey =
        md5.digest(
            ("session key to " + direction + " sealing key magic constant\0")
                .getBytes(StandardCharsets.US_ASCII));
    Mac hmac = Mac.getInstance("HmacMD5");
    hmac.init(new SecretKeySpec(signKey, "HmacMD5"));
    hmac.update(new byte[4]);
    byte[] checksum = Arrays.copyOf(hmac.doFinal(message), 8);
    if ((flags & 0x40000000) != 0) {
      Cipher rc4 = Cipher.getInstance("RC4");
      rc4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sealKey, "RC4"));
      checksum = rc4.doFinal(checksum);
    }
    byte[] out = new byte[16];
    out[0] = 1;
    System.arraycopy(checksum, 0, out, 4, 8);
    return out;
  }

  @Test
  void aClientThatSignedItsAuthenticateMustSendTheMechListMic() throws Exception {
    NtlmTestClient client = NtlmTestClient.withPassword("alice", "", PASSWORD).mic(true);
    AuthenticationContext c = h.connection();
    byte[] init =
        Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), client.negotiate(), null);
    client.readChallenge(Spnego.parseResp(h.send(c, init).token()).responseToken());
    PluginHarness.Answer refused =
        h.send(c, Spnego.encodeResp(-1, null, client.authenticateV2(), null));
    assertEquals(AuthenticationResult.DENIED, refused.result());
    assertEquals(HResult.S_OK, refused.hr());
    assertTrue(h.refusals().get(0).contains("no mechListMIC"), h.refusals().toString());
    assertTrue(h.server.logons.isEmpty());
  }
}
