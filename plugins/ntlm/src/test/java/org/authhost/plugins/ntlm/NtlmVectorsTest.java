package org.authhost.plugins.ntlm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.authhost.plugins.ntlm.AvPairs.AvPair;
import org.authhost.plugins.ntlm.NtlmMessages.Authenticate;
import org.authhost.plugins.ntlm.NtlmMessages.Challenge;
import org.junit.jupiter.api.Test;

/** MS-NLMP §4.2 test vectors (reference §5), and RFC 1320 for the in-house MD4. */
class NtlmVectorsTest {
  static final HexFormat HEX = HexFormat.of();
  static final byte[] SERVER_CHALLENGE = hex("0123456789abcdef");
  static final byte[] CLIENT_CHALLENGE = hex("aaaaaaaaaaaaaaaa");
  static final byte[] RANDOM_SESSION_KEY = NtlmTestClient.filled(16, 0x55);
  static final byte[] NTOWFV1 = hex("a4f49c406510bdcab6824ee7c30fd852");

  /** FILETIME 0: the vectors' Time. */
  static final Instant EPOCH_1601 = Instant.parse("1601-01-01T00:00:00Z");

  /**
   * A Windows 7 AUTHENTICATE_MESSAGE with a MIC, MsvAvFlags, channel bindings and an SPN, as
   * captured in gss-ntlmssp's tests/ntlmssptest.c (T_NTLMv2_CBT): a client that is not ours. Its
   * NEGOTIATE is not published, so its MIC cannot be recomputed; everything else is checked against
   * it.
   */
  static final String WINDOWS_CBT_AUTHENTICATE =
      ""
          + "4e544c4d535350000300000018001800940000007c017c01ac00000010001000580000001a001a006800000012001200"
          + "820000000000000028020000058288a20601b01d0000000ff054a542b090b66c1fea1a2cc82e930b5700530032003000"
          + "3000380052003200410064006d0069006e006900730074007200610074006f007200570049004e0037002d0032002d00"
          + "500043000000000000000000000000000000000000000000000000005a6a21ae1a44c044693eee59fc5d81e001010000"
          + "000000007be73fc30bdecd0127fc118082c2fbdd00000000020010005700530032003000300038005200320001001600"
          + "440043002d005700530032003000300038005200320004001c00770073003200300030003800720032002e006c006f00"
          + "630061006c0003003400440043002d00770073003200300030003800720032002e007700730032003000300038007200"
          + "32002e006c006f00630061006c0005001c00770073003200300030003800720032002e006c006f00630061006c000700"
          + "08007be73fc30bdecd01060004000200000008003000300000000000000001000000002000004d6b0d27541022f5ffa6"
          + "73da2bfcfdf1942f257be11a49c954197aca8aaf2eaf0a0010006586e99d81c2fc984e47172fd4dd031009003e004800"
          + "5400540050002f00640063002d00770073003200300030003800720032002e0077007300320030003000380072003200"
          + "2e006c006f00630061006c00000000000000000000000000";

  static final String V1_CHALLENGE =
      "4e544c4d53535000020000000c000c0038000000338202e20123456789abcdef00000000000000000000000000000000"
          + "060070170000000f530065007200760065007200";
  static final String V1_AUTHENTICATE =
      "4e544c4d5353500003000000180018006c00000018001800840000000c000c0048000000080008005400000010001000"
          + "5c000000100010009c000000358280e20501280a0000000f44006f006d00610069006e00550073006500720043004f00"
          + "4d005000550054004500520098def7b87f88aa5dafe2df779688a172def11c7d5ccdef1367c43011f30298a2ad35ece6"
          + "4f16331c44bdbed927841f94518822b1b3f350c8958682ecbb3e3cb7";
  static final String V2_TARGET_INFO =
      "02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000";
  static final String V2_CHALLENGE =
      "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000"
          + "060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c005300650072007600"
          + "6500720000000000";
  static final String V2_AUTHENTICATE =
      "4e544c4d5353500003000000180018006c00000054005400840000000c000c0048000000080008005400000010001000"
          + "5c00000010001000d8000000358288e20501280a0000000f44006f006d00610069006e00550073006500720043004f00"
          + "4d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa68cd0ab851e51c96aabc927b"
          + "ebef6a1c01010000000000000000000000000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e00"
          + "01000c005300650072007600650072000000000000000000c5dad2544fc9799094ce1ce90bc9d03e";

  static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  @Test
  void md4OfRfc1320() {
    assertEquals("31d6cfe0d16ae931b73c59d7e0c089c0", HEX.formatHex(Md4.digest(new byte[0])));
    assertEquals(
        "a448017aaf21d8525fc10ae87aa6729d",
        HEX.formatHex(Md4.digest("abc".getBytes(StandardCharsets.US_ASCII))));
    Random r = new Random(1);
    for (int n = 0; n < 300; n++) { // every padding case against BouncyCastle
      byte[] m = new byte[n];
      r.nextBytes(m);
      assertArrayEquals(NtlmTestClient.md4(m), Md4.digest(m), "length " + n);
    }
  }

  @Test
  void ntowfv1IsMd4OfThePassword() {
    assertArrayEquals(NTOWFV1, NtlmTestClient.ntHash("Password"));
    assertArrayEquals(NTOWFV1, Md4.digest("Password".getBytes(StandardCharsets.UTF_16LE)));
  }

  @Test
  void ntlmv1Values() {
    assertArrayEquals(
        hex("67c43011f30298a2ad35ece64f16331c44bdbed927841f94"),
        NtlmCrypto.ntlmv1Response(NTOWFV1, SERVER_CHALLENGE, null));
    byte[] sessionBaseKey = Md4.digest(NTOWFV1);
    assertArrayEquals(hex("d87262b0cde4b1cb7499becccdf10784"), sessionBaseKey);
    assertArrayEquals(
        hex("518822b1b3f350c8958682ecbb3e3cb7"),
        NtlmCrypto.rc4(sessionBaseKey, RANDOM_SESSION_KEY));
  }

  @Test
  void ntlmv1WithExtendedSessionSecurity() {
    assertArrayEquals(
        hex("7537f803ae367128ca458204bde7caf81e97ed2683267232"),
        NtlmCrypto.ntlmv1Response(NTOWFV1, SERVER_CHALLENGE, CLIENT_CHALLENGE));
    assertArrayEquals(
        hex("eb93429a8bd952f8b89c55b87f475edc"),
        NtlmCrypto.hmacMd5(Md4.digest(NTOWFV1), SERVER_CHALLENGE, CLIENT_CHALLENGE));
  }

  @Test
  void desKeyExpansionGivesOddParity() {
    byte[] key = NtlmCrypto.desKey(new byte[] {0, 0, 0, 0, 0, 0, 0});
    assertArrayEquals(NtlmTestClient.filled(8, 1), key);
    for (byte b : NtlmCrypto.desKey(hex("0123456789abcd"))) {
      assertEquals(1, Integer.bitCount(b & 0xFF) % 2, "odd parity");
    }
    assertArrayEquals(
        hex("0191d0ad794cae9b"), Arrays.copyOf(NtlmCrypto.desKey(hex("0123456789abcd")), 8));
  }

  @Test
  void ntlmv2Values() {
    byte[] ntowfv2 = NtlmCrypto.ntowfv2(NTOWFV1, "User", "Domain");
    assertArrayEquals(hex("0c868a403bfd7a93a3001ef22ef02e3f"), ntowfv2);
    assertArrayEquals(
        hex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"),
        NtlmCrypto.lmv2Response(ntowfv2, SERVER_CHALLENGE, CLIENT_CHALLENGE));
    byte[] temp =
        NtlmCrypto.concat(
            hex("0101000000000000"),
            new byte[8],
            CLIENT_CHALLENGE,
            new byte[4],
            hex(V2_TARGET_INFO),
            new byte[4]);
    assertEquals(68, temp.length);
    byte[] proof = NtlmCrypto.ntProofStr(ntowfv2, SERVER_CHALLENGE, temp);
    assertArrayEquals(hex("68cd0ab851e51c96aabc927bebef6a1c"), proof);
    byte[] sessionBaseKey = NtlmCrypto.hmacMd5(ntowfv2, proof);
    assertArrayEquals(hex("8de40ccadbc14a82f15cb0ad0de95ca3"), sessionBaseKey);
    assertArrayEquals(
        hex("c5dad2544fc9799094ce1ce90bc9d03e"),
        NtlmCrypto.rc4(sessionBaseKey, RANDOM_SESSION_KEY));
    assertArrayEquals(
        RANDOM_SESSION_KEY,
        NtlmCrypto.rc4(sessionBaseKey, hex("c5dad2544fc9799094ce1ce90bc9d03e")));
  }

  @Test
  void ntowfv2UpperCasesOnlyTheUserAndCharByChar() {
    assertArrayEquals(
        NtlmCrypto.ntowfv2(NTOWFV1, "USER", "Domain"),
        NtlmCrypto.ntowfv2(NTOWFV1, "user", "Domain"));
    assertEquals(
        false,
        Arrays.equals(
            NtlmCrypto.ntowfv2(NTOWFV1, "User", "DOMAIN"),
            NtlmCrypto.ntowfv2(NTOWFV1, "User", "Domain")));
    assertEquals("STRAßE", NtlmCrypto.upper("straße")); // not "STRASSE": the length never changes
  }

  @Test
  void fileTimeRoundTrip() {
    assertArrayEquals(new byte[8], NtlmCrypto.fileTime(EPOCH_1601));
    Instant t = Instant.parse("2025-01-01T12:34:56.789Z");
    assertEquals(t, NtlmCrypto.fromFileTime(NtlmCrypto.fileTime(t), 0));
    assertEquals(Instant.MAX, NtlmCrypto.fromFileTime(NtlmTestClient.filled(8, 0xFF), 0));
  }

  @Test
  void parsesTheNtlmv1Challenge() throws Malformed {
    Challenge c = Challenge.parse(hex(V1_CHALLENGE));
    assertEquals(0xE2028233, c.flags());
    assertEquals("Server", c.targetName());
    assertArrayEquals(SERVER_CHALLENGE, c.serverChallenge());
    assertEquals(List.of(), c.targetInfo());
  }

  @Test
  void parsesTheNtlmv2Challenge() throws Malformed {
    Challenge c = Challenge.parse(hex(V2_CHALLENGE));
    assertEquals(0xE28A8233, c.flags());
    assertEquals("Server", c.targetName());
    assertArrayEquals(SERVER_CHALLENGE, c.serverChallenge());
    assertEquals(2, c.targetInfo().size());
    assertArrayEquals(
        "Domain".getBytes(StandardCharsets.UTF_16LE),
        AvPairs.find(c.targetInfo(), AvPairs.NB_DOMAIN_NAME));
    assertArrayEquals(
        "Server".getBytes(StandardCharsets.UTF_16LE),
        AvPairs.find(c.targetInfo(), AvPairs.NB_COMPUTER_NAME));
    assertArrayEquals(hex(V2_TARGET_INFO), AvPairs.encode(c.targetInfo()));
  }

  @Test
  void encodesAChallengeAsItParses() throws Malformed {
    Challenge c = Challenge.parse(hex(V2_CHALLENGE));
    // Our encoder writes the same layout (TargetName at 0x38, then TargetInfo) but our own Version.
    byte[] ours = c.encode();
    byte[] theirs = hex(V2_CHALLENGE);
    Arrays.fill(theirs, 48, 56, (byte) 0);
    System.arraycopy(Challenge.VERSION, 0, theirs, 48, 8);
    assertArrayEquals(theirs, ours);
  }

  @Test
  void parsesTheNtlmv1Authenticate() throws Malformed {
    Authenticate a = Authenticate.parse(hex(V1_AUTHENTICATE), true);
    assertEquals(0xE2808235, a.flags());
    assertEquals("Domain", a.domain());
    assertEquals("User", a.user());
    assertEquals("COMPUTER", a.workstation());
    assertArrayEquals(hex("98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13"), a.lmResponse());
    assertArrayEquals(hex("67c43011f30298a2ad35ece64f16331c44bdbed927841f94"), a.ntResponse());
    assertArrayEquals(hex("518822b1b3f350c8958682ecbb3e3cb7"), a.encryptedRandomSessionKey());
    assertEquals(0x48, a.payloadStart());
    assertEquals(false, a.hasMicField());
  }

  @Test
  void parsesTheNtlmv2Authenticate() throws Malformed {
    Authenticate a = Authenticate.parse(hex(V2_AUTHENTICATE), true);
    assertEquals(0xE2888235, a.flags());
    assertEquals("Domain", a.domain());
    assertEquals("User", a.user());
    assertEquals("COMPUTER", a.workstation());
    assertEquals(0x54, a.ntResponse().length);
    assertArrayEquals(hex("68cd0ab851e51c96aabc927bebef6a1c"), Arrays.copyOf(a.ntResponse(), 16));
    assertArrayEquals(hex("c5dad2544fc9799094ce1ce90bc9d03e"), a.encryptedRandomSessionKey());
  }

  /** A mechanism whose clock stands at FILETIME 0, the vectors' time, accepting domain "Domain". */
  static NtlmMechanism vectorMechanism(FakeServer server, String... settings) {
    String[] all = Arrays.copyOf(settings, settings.length + 2);
    all[settings.length] = "acceptedDomains";
    all[settings.length + 1] = "Domain";
    return NtlmMechanism.create(
        FakeServer.values(all), "", server, Clock1601.INSTANCE, new Random(7));
  }

  static NtlmExchange.Issued issued(String challengeHex, List<AvPair> targetInfo) throws Malformed {
    byte[] challenge = hex(challengeHex);
    int flags = Challenge.parse(challenge).flags();
    // The vectors have no NEGOTIATE; no MIC is checked, so any bytes do.
    return new NtlmExchange.Issued(
        new byte[0], challenge, SERVER_CHALLENGE, flags, targetInfo, EPOCH_1601);
  }

  @Test
  void verifiesThePublishedNtlmv2Authenticate() throws Malformed {
    FakeServer server = new FakeServer();
    NtlmExchange x = vectorMechanism(server).newExchange();
    x.expect(issued(V2_CHALLENGE, Challenge.parse(hex(V2_CHALLENGE)).targetInfo()));
    NtlmStep.Authenticated ok =
        assertInstanceOf(NtlmStep.Authenticated.class, x.accept(hex(V2_AUTHENTICATE)));
    assertEquals("User", ok.account());
    assertEquals("Domain", ok.domain());
    assertEquals("COMPUTER", ok.workstation());
    assertArrayEquals(RANDOM_SESSION_KEY, ok.exportedSessionKey());
  }

  @Test
  void thePublishedNtlmv2AuthenticateFailsWithAnotherPasswordOrChallenge() throws Malformed {
    FakeServer server = new FakeServer();
    server.passwords.put("User", "password");
    NtlmExchange x = vectorMechanism(server).newExchange();
    x.expect(issued(V2_CHALLENGE, Challenge.parse(hex(V2_CHALLENGE)).targetInfo()));
    NtlmStep.Refused r = assertInstanceOf(NtlmStep.Refused.class, x.accept(hex(V2_AUTHENTICATE)));
    assertEquals("wrong password for 'User': the NTLMv2 proof does not match", r.reason());
  }

  @Test
  void thePublishedNtlmv1AuthenticateIsRefusedByDefault() throws Malformed {
    NtlmExchange x = vectorMechanism(new FakeServer()).newExchange();
    x.expect(issued(V1_CHALLENGE, List.of()));
    NtlmStep.Refused r = assertInstanceOf(NtlmStep.Refused.class, x.accept(hex(V1_AUTHENTICATE)));
    assertEquals(
        "NTLMv1 response refused: only NTLMv2 is allowed (allowNtlmV1 is false)", r.reason());
  }

  @Test
  void thePublishedNtlmv1AuthenticateIsAcceptedWithAllowNtlmV1() throws Malformed {
    NtlmExchange x = vectorMechanism(new FakeServer(), "allowNtlmV1", "true").newExchange();
    x.expect(issued(V1_CHALLENGE, List.of()));
    NtlmStep.Authenticated ok =
        assertInstanceOf(NtlmStep.Authenticated.class, x.accept(hex(V1_AUTHENTICATE)));
    assertEquals("User", ok.account());
    assertArrayEquals(RANDOM_SESSION_KEY, ok.exportedSessionKey());
  }

  /** Stands still at FILETIME 0. */
  static final class Clock1601 {
    static final FakeServer.TestClock INSTANCE = new FakeServer.TestClock(EPOCH_1601);
  }

  @Test
  void parsesAndVerifiesAWindowsAuthenticateWithMicAndChannelBindings() throws Malformed {
    Authenticate a = Authenticate.parse(hex(WINDOWS_CBT_AUTHENTICATE), true);
    assertEquals("Administrator", a.user());
    assertEquals("WS2008R2", a.domain());
    assertEquals("WIN7-2-PC", a.workstation());
    assertEquals(true, a.hasMicField());
    assertArrayEquals(hex("f054a542b090b66c1fea1a2cc82e930b"), a.mic());
    byte[] temp = Arrays.copyOfRange(a.ntResponse(), 16, a.ntResponse().length);
    List<AvPair> pairs = AvPairs.parse(temp, 28, temp.length, "NTLMv2 blob");
    assertEquals(AvPairs.FLAG_MIC_PRESENT, AvPairs.flags(pairs) & AvPairs.FLAG_MIC_PRESENT);
    assertArrayEquals(
        hex("6586e99d81c2fc984e47172fd4dd0310"), AvPairs.find(pairs, AvPairs.CHANNEL_BINDINGS));
    assertArrayEquals(
        "HTTP/dc-ws2008r2.ws2008r2.local".getBytes(StandardCharsets.UTF_16LE),
        AvPairs.find(pairs, AvPairs.TARGET_NAME));
    // The published NT hash of "P@ssw0rd" proves the response against the captured server
    // challenge.
    byte[] key = NtlmCrypto.ntowfv2(hex("e19ccf75ee54e06b06a5907af13cef42"), a.user(), a.domain());
    assertArrayEquals(
        Arrays.copyOf(a.ntResponse(), 16),
        NtlmCrypto.ntProofStr(key, hex("a2c5e8ca3084aa72"), temp));
    byte[] otherKey = NtlmCrypto.ntowfv2(NtlmTestClient.ntHash("P@ssw0rd!"), a.user(), a.domain());
    assertEquals(
        false,
        Arrays.equals(
            Arrays.copyOf(a.ntResponse(), 16),
            NtlmCrypto.ntProofStr(otherKey, hex("a2c5e8ca3084aa72"), temp)));
  }
}
