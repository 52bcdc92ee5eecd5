package org.authhost.plugins.ntlm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.authhost.api.HResult;
import org.authhost.plugins.ntlm.NtlmMessages.Challenge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mechanism's handshake, driven by the test client: what is accepted, and why the rest is
 * refused.
 */
class NtlmExchangeTest {
  static final String PASSWORD = "Wonderland 1865";
  final FakeServer server = new FakeServer();
  final FakeServer.TestClock clock = new FakeServer.TestClock();

  NtlmMechanism mechanism(String... settings) {
    return NtlmMechanism.create(FakeServer.values(settings), "", server, clock, new Random(42));
  }

  NtlmTestClient client(String user, String domain, String password) {
    return NtlmTestClient.withPassword(user, domain, password).clock(clock);
  }

  NtlmTestClient alice() {
    return client("alice", "", PASSWORD);
  }

  /** NEGOTIATE and CHALLENGE; the client has read the challenge. */
  static Challenge challenge(NtlmExchange x, NtlmTestClient c) {
    NtlmStep.Challenge step = assertInstanceOf(NtlmStep.Challenge.class, x.accept(c.negotiate()));
    c.readChallenge(step.token());
    try {
      return Challenge.parse(step.token());
    } catch (Malformed e) {
      throw new AssertionError("our own CHALLENGE does not parse: " + e.getMessage());
    }
  }

  static NtlmStep v2(NtlmExchange x, NtlmTestClient c) {
    challenge(x, c);
    return x.accept(c.authenticateV2());
  }

  static String refusal(NtlmStep step) {
    return assertInstanceOf(NtlmStep.Refused.class, step).reason();
  }

  static NtlmStep.Authenticated authenticated(NtlmStep step) {
    if (step instanceof NtlmStep.Refused r) {
      throw new AssertionError("refused: " + r.reason());
    }
    return assertInstanceOf(NtlmStep.Authenticated.class, step);
  }

  @Test
  void curlStyleOemNtlmv2WithoutMic() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = alice().offer(NtlmTestClient.CURL_FLAGS);
    Challenge ch = challenge(x, c);
    int f = ch.flags();
    assertTrue(NtlmFlags.has(f, NtlmFlags.OEM));
    assertFalse(NtlmFlags.has(f, NtlmFlags.UNICODE));
    for (int flag :
        new int[] {
          NtlmFlags.NTLM,
          NtlmFlags.TARGET_INFO,
          NtlmFlags.EXTENDED_SESSIONSECURITY,
          NtlmFlags.ALWAYS_SIGN,
          NtlmFlags.REQUEST_TARGET,
          NtlmFlags.TARGET_TYPE_SERVER
        }) {
      assertTrue(NtlmFlags.has(f, flag), Integer.toHexString(flag));
    }
    assertEquals(0, f & (NtlmFlags.VERSION | NtlmFlags.KEY_EXCH | NtlmFlags.TARGET_TYPE_DOMAIN));
    assertEquals("MEDIA01", ch.targetName());
    NtlmStep.Authenticated ok = authenticated(x.accept(c.authenticateV2()));
    assertEquals("alice", ok.account());
    assertEquals("", ok.domain());
    assertEquals("WORKSTATION", ok.workstation());
    assertArrayEquals(c.exportedSessionKey(), ok.exportedSessionKey());
  }

  @Test
  void theChallengeCarriesOurNamesAndTheTime() {
    Challenge ch = challenge(mechanism().newExchange(), alice());
    assertTrue(NtlmFlags.has(ch.flags(), NtlmFlags.UNICODE));
    assertTrue(NtlmFlags.has(ch.flags(), NtlmFlags.VERSION));
    assertEquals("MEDIA01", ch.targetName());
    assertEquals(List.of(2, 1, 4, 3, 7), ch.targetInfo().stream().map(AvPairs.AvPair::id).toList());
    assertEquals("MEDIA01", utf16(AvPairs.find(ch.targetInfo(), AvPairs.NB_COMPUTER_NAME)));
    assertEquals("MEDIA01", utf16(AvPairs.find(ch.targetInfo(), AvPairs.NB_DOMAIN_NAME)));
    assertEquals(
        "media01.example.test", utf16(AvPairs.find(ch.targetInfo(), AvPairs.DNS_COMPUTER_NAME)));
    assertEquals("example.test", utf16(AvPairs.find(ch.targetInfo(), AvPairs.DNS_DOMAIN_NAME)));
    assertArrayEquals(
        NtlmCrypto.fileTime(clock.instant()), AvPairs.find(ch.targetInfo(), AvPairs.TIMESTAMP));
  }

  @Test
  void everyChallengeIsFresh() {
    NtlmMechanism m = mechanism();
    Challenge a = challenge(m.newExchange(), alice());
    Challenge b = challenge(m.newExchange(), alice());
    assertFalse(Arrays.equals(a.serverChallenge(), b.serverChallenge()));
  }

  @Test
  void windowsStyleWithMicAndKeyExchange() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = client("alice", "MEDIA01", PASSWORD).mic(true);
    NtlmStep.Authenticated ok = authenticated(v2(x, c));
    assertEquals("MEDIA01", ok.domain());
    assertTrue(NtlmFlags.has(c.challengeFlags(), NtlmFlags.KEY_EXCH));
    assertArrayEquals(NtlmTestClient.filled(16, 0x55), ok.exportedSessionKey());
  }

  @Test
  void theUserNameIsTakenAsTyped() {
    NtlmStep.Authenticated ok =
        authenticated(v2(mechanism().newExchange(), client("ALICE", "", PASSWORD)));
    assertEquals("ALICE", ok.account());
  }

  @Test
  void wrongPassword() {
    assertEquals(
        "wrong password for 'alice': the NTLMv2 proof does not match",
        refusal(v2(mechanism().newExchange(), client("alice", "", "wonderland 1865"))));
  }

  @Test
  void unknownUserCostsTheSameLookUpAndHmacs() {
    assertEquals(
        "no enabled account 'bob' with an NTLM secret",
        refusal(v2(mechanism().newExchange(), client("bob", "", PASSWORD))));
    assertEquals(1, server.ntHashLookups.get());
  }

  @Test
  void aChallengeServesOneAuthenticate() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = alice();
    challenge(x, c);
    byte[] auth = c.authenticateV2();
    authenticated(x.accept(auth));
    assertEquals(
        "AUTHENTICATE without a CHALLENGE on this connection: none was issued, or it was already used",
        refusal(x.accept(auth)));
  }

  @Test
  void aFailedAuthenticateUsesTheChallengeUpToo() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient wrong = client("alice", "", "guess");
    NtlmTestClient right = alice();
    NtlmStep.Challenge step =
        assertInstanceOf(NtlmStep.Challenge.class, x.accept(wrong.negotiate()));
    wrong.readChallenge(step.token());
    right.readChallenge(step.token());
    assertTrue(refusal(x.accept(wrong.authenticateV2())).startsWith("wrong password"));
    assertTrue(
        refusal(x.accept(right.authenticateV2())).startsWith("AUTHENTICATE without a CHALLENGE"));
  }

  @Test
  void anAuthenticateOnAnotherConnectionIsRefused() {
    NtlmMechanism m = mechanism();
    NtlmExchange first = m.newExchange();
    NtlmTestClient c = alice();
    challenge(first, c);
    byte[] auth = c.authenticateV2();
    NtlmExchange second = m.newExchange(); // a new connection: a new context
    assertTrue(refusal(second.accept(auth)).startsWith("AUTHENTICATE without a CHALLENGE"));
  }

  @Test
  void aNewNegotiateDropsTheOutstandingChallenge() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = alice();
    challenge(x, c);
    byte[] forFirst = c.authenticateV2();
    challenge(x, alice());
    assertInstanceOf(NtlmStep.Refused.class, x.accept(forFirst));
  }

  @Test
  void theExchangeCanAuthenticateAgainAfterANewNegotiate() {
    NtlmExchange x = mechanism().newExchange();
    authenticated(v2(x, alice()));
    authenticated(v2(x, alice()));
  }

  @Test
  void theChallengeExpires() {
    NtlmExchange x = mechanism("handshakeTimeoutSeconds", "30").newExchange();
    NtlmTestClient c = alice();
    challenge(x, c);
    clock.advance(Duration.ofSeconds(31));
    assertEquals(
        "the CHALLENGE expired: issued 31 s ago; handshakeTimeoutSeconds is 30",
        refusal(x.accept(c.authenticateV2())));
  }

  @Test
  void theBlobTimeMustBeNearTheServerClock() {
    NtlmMechanism m = mechanism("timestampSkewSeconds", "120");
    authenticated(v2(m.newExchange(), alice().time(clock.instant().minusSeconds(119))));
    authenticated(v2(m.newExchange(), alice().time(clock.instant().plusSeconds(120))));
    assertEquals(
        "the NTLMv2 blob's time is 121 s away from the server's clock; timestampSkewSeconds is 120",
        refusal(v2(m.newExchange(), alice().time(clock.instant().minusSeconds(121)))));
    assertTrue(
        refusal(v2(m.newExchange(), alice().time(Instant.parse("1601-01-01T00:00:00Z"))))
            .startsWith("the NTLMv2 blob's time is"));
  }

  @Test
  void emptyDomainFallbackOnByDefault() {
    NtlmTestClient quirky = client("alice", "MEDIA01", PASSWORD).hashWithEmptyDomain(true);
    NtlmStep.Authenticated ok = authenticated(v2(mechanism().newExchange(), quirky));
    assertEquals("MEDIA01", ok.domain());
  }

  @Test
  void emptyDomainFallbackOff() {
    NtlmMechanism m = mechanism("emptyDomainFallback", "false");
    NtlmTestClient quirky = client("alice", "MEDIA01", PASSWORD).hashWithEmptyDomain(true);
    assertEquals(
        "wrong password for 'alice': the NTLMv2 proof does not match",
        refusal(v2(m.newExchange(), quirky)));
    authenticated(v2(m.newExchange(), client("alice", "MEDIA01", PASSWORD)));
    authenticated(v2(m.newExchange(), client("alice", "", PASSWORD)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "MEDIA01", "media01", "media01.example.test", "EXAMPLE.test"})
  void ourOwnDomainsAreServed(String domain) {
    authenticated(v2(mechanism().newExchange(), client("alice", domain, PASSWORD)));
  }

  @Test
  void anotherDomainIsNotServed() {
    assertEquals(
        "domain 'CORP' is not served here",
        refusal(v2(mechanism().newExchange(), client("alice", "CORP", PASSWORD))));
    assertEquals(0, server.ntHashLookups.get(), "refused before any secret is read");
    authenticated(
        v2(
            mechanism("acceptedDomains", "other, corp").newExchange(),
            client("alice", "CORP", PASSWORD)));
    authenticated(
        v2(mechanism("acceptedDomains", "*").newExchange(), client("alice", "ANYTHING", PASSWORD)));
  }

  @Test
  void aCorrectMicPasses() {
    authenticated(v2(mechanism().newExchange(), alice().mic(true)));
    authenticated(v2(mechanism("requireMic", "true").newExchange(), alice().mic(true)));
  }

  @Test
  void aWrongMicFails() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = alice().mic(true);
    challenge(x, c);
    byte[] auth = c.authenticateV2();
    auth[80] ^= 1;
    assertEquals(
        "the MIC does not match: the NTLM messages were altered on the way",
        refusal(x.accept(auth)));
  }

  @Test
  void aZeroedMicFails() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = alice().mic(true);
    challenge(x, c);
    byte[] auth = c.authenticateV2();
    Arrays.fill(auth, 72, 88, (byte) 0);
    assertEquals(
        "the MIC does not match: the NTLM messages were altered on the way",
        refusal(x.accept(auth)));
  }

  @Test
  void aMicOverOtherMessagesFails() {
    // The MIC covers NEGOTIATE and CHALLENGE too: a client that saw other flags offered is caught.
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = alice().mic(true);
    challenge(x, c);
    c.offer(NtlmTestClient.WINDOWS_FLAGS & ~NtlmTestClient.SIGN)
        .negotiate(); // the client remembers other bytes
    assertEquals(
        "the MIC does not match: the NTLM messages were altered on the way",
        refusal(x.accept(c.authenticateV2())));
  }

  @Test
  void aMicFlagWithoutAMicFieldFails() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c =
        alice().offer(NtlmTestClient.CURL_FLAGS).editTargetInfo(NtlmExchangeTest::addMicFlag);
    challenge(x, c);
    assertEquals(
        "MsvAvFlags announces a MIC, but the AUTHENTICATE has no MIC field",
        refusal(x.accept(c.authenticateV2())));
  }

  @Test
  void requireMicRefusesCurl() {
    assertEquals(
        "the AUTHENTICATE has no MIC, and requireMic is true",
        refusal(
            v2(
                mechanism("requireMic", "true").newExchange(),
                alice().offer(NtlmTestClient.CURL_FLAGS))));
  }

  @Test
  void theEchoedTargetInfoMustBeOurs() {
    assertEquals(
        "the NTLMv2 blob lacks the CHALLENGE's MsvAvTimestamp",
        refusal(
            v2(
                mechanism().newExchange(),
                alice().editTargetInfo(info -> dropPair(info, AvPairs.TIMESTAMP)))));
    assertEquals(
        "the NTLMv2 blob's MsvAvNbDomainName is not the one this server issued",
        refusal(
            v2(
                mechanism().newExchange(),
                alice()
                    .editTargetInfo(
                        info -> {
                          byte[] copy = info.clone();
                          copy[4] ^= 0x20; // first character of the first pair, MsvAvNbDomainName
                          return copy;
                        }))));
  }

  @Test
  void ntlmv1IsRefusedByDefault() {
    NtlmMechanism m = mechanism();
    assertEquals(List.of(), m.startupWarnings());
    NtlmExchange x = m.newExchange();
    NtlmTestClient c = alice();
    challenge(x, c);
    assertEquals(
        "NTLMv1 response refused: only NTLMv2 is allowed (allowNtlmV1 is false)",
        refusal(x.accept(c.authenticateV1())));
  }

  @Test
  void ntlmv1WithAllowNtlmV1() {
    NtlmMechanism m = mechanism("allowNtlmV1", "true");
    assertEquals(1, m.startupWarnings().size());
    assertTrue(m.startupWarnings().get(0).startsWith("allowNtlmV1 is true"));
    for (int offer :
        new int[] {
          NtlmTestClient.WINDOWS_FLAGS,
          NtlmTestClient.WINDOWS_FLAGS & ~NtlmTestClient.EXTENDED_SESSIONSECURITY,
          NtlmTestClient.CURL_FLAGS,
          NtlmTestClient.CURL_FLAGS & ~NtlmTestClient.EXTENDED_SESSIONSECURITY
        }) {
      NtlmExchange x = m.newExchange();
      NtlmTestClient c = alice().offer(offer);
      challenge(x, c);
      NtlmStep.Authenticated ok = authenticated(x.accept(c.authenticateV1()));
      assertArrayEquals(
          c.exportedSessionKey(), ok.exportedSessionKey(), Integer.toHexString(offer));
    }
    NtlmExchange x = m.newExchange();
    NtlmTestClient wrong = client("alice", "", "guess");
    challenge(x, wrong);
    assertEquals(
        "wrong password for 'alice': the NTLMv1 response does not match",
        refusal(x.accept(wrong.authenticateV1())));
  }

  @Test
  void lmIsNeverAccepted() {
    for (NtlmMechanism m : List.of(mechanism(), mechanism("allowNtlmV1", "true"))) {
      NtlmExchange x = m.newExchange();
      NtlmTestClient c = alice();
      challenge(x, c);
      assertEquals(
          "LM response refused: LM is never accepted, and no NT response was sent",
          refusal(x.accept(c.authenticateLmOnly())));
    }
  }

  @Test
  void anonymousIsRefused() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = alice();
    challenge(x, c);
    assertEquals(
        "anonymous NTLM refused: an account and its password are required",
        refusal(x.accept(c.authenticateAnonymous())));
    assertEquals(
        "anonymous NTLM refused: an account and its password are required",
        refusal(v2(mechanism().newExchange(), client("", "", ""))));
  }

  @Test
  void tokensOutOfPlace() {
    NtlmExchange x = mechanism().newExchange();
    assertEquals("empty NTLM token", refusal(x.accept(null)));
    assertEquals("empty NTLM token", refusal(x.accept(new byte[0])));
    assertEquals(
        "not an NTLMSSP message (no \"NTLMSSP\\0\" signature)",
        refusal(x.accept("hello, world".getBytes(StandardCharsets.US_ASCII))));
    assertEquals(
        "the client sent a CHALLENGE message, which only a server sends",
        refusal(x.accept(NtlmVectorsTest.hex(NtlmVectorsTest.V2_CHALLENGE))));
    byte[] type4 = alice().negotiate();
    type4[8] = 4;
    assertEquals("unknown NTLM message type 4", refusal(x.accept(type4)));
    type4[11] = (byte) 0x80;
    assertEquals("unknown NTLM message type 255", refusal(x.accept(type4)));
  }

  @Test
  void aNegotiateWithoutAnEncodingIsRefused() {
    NtlmTestClient c = alice().offer(NtlmTestClient.NTLM | NtlmTestClient.EXTENDED_SESSIONSECURITY);
    assertEquals(
        "the NEGOTIATE offers neither UNICODE nor OEM strings",
        refusal(mechanism().newExchange().accept(c.negotiate())));
  }

  @Test
  void aBrokenCredentialServiceFails() {
    server.credentialsAnswer = HResult.E_FAIL;
    NtlmStep.Failed f =
        assertInstanceOf(NtlmStep.Failed.class, v2(mechanism().newExchange(), alice()));
    assertEquals(HResult.E_FAIL, f.code());
    assertEquals(
        "the host's credential service answered " + HResult.E_FAIL + " for getNtHash", f.detail());
    server.credentialsAnswer = null;
    server.credentialsThrow = new IllegalStateException("store unreadable");
    f = assertInstanceOf(NtlmStep.Failed.class, v2(mechanism().newExchange(), alice()));
    assertEquals(HResult.E_UNEXPECTED, f.code());
  }

  @Test
  void theMicCoversTheBytesReceivedAndSentWhateverTheCallerDoesWithItsArrays() {
    NtlmExchange x = mechanism().newExchange();
    NtlmTestClient c = alice().mic(true);
    byte[] negotiate = c.negotiate();
    byte[] challenge = assertInstanceOf(NtlmStep.Challenge.class, x.accept(negotiate)).token();
    c.readChallenge(challenge.clone());
    Arrays.fill(negotiate, (byte) 0);
    Arrays.fill(challenge, (byte) 0);
    authenticated(x.accept(c.authenticateV2()));
  }

  static byte[] addMicFlag(byte[] info) {
    byte[] withoutEol = Arrays.copyOf(info, info.length - 4);
    return NtlmTestClient.concat(withoutEol, new byte[] {6, 0, 4, 0, 2, 0, 0, 0}, new byte[4]);
  }

  static byte[] dropPair(byte[] info, int id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at + 4 <= info.length; ) {
      int avId = (info[at] & 0xFF) | (info[at + 1] & 0xFF) << 8;
      int len = (info[at + 2] & 0xFF) | (info[at + 3] & 0xFF) << 8;
      if (avId != id) {
        out.write(info, at, 4 + len);
      }
      at += 4 + len;
    }
    return out.toByteArray();
  }

  static String utf16(byte[] b) {
    return new String(b, StandardCharsets.UTF_16LE);
  }
}
