package org.authhost.plugins.ntlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Security buffers and AV pairs that lie: each is refused with a reason, never an exception. */
class NtlmParsingTest {
  final FakeServer server = new FakeServer();
  final FakeServer.TestClock clock = new FakeServer.TestClock();
  final NtlmMechanism mechanism =
      NtlmMechanism.create(FakeServer.values(), "", server, clock, new Random(3));
  final NtlmTestClient client =
      NtlmTestClient.withPassword("alice", "", NtlmExchangeTest.PASSWORD).clock(clock);
  NtlmExchange exchange;

  /** A valid NTLMv2 AUTHENTICATE (Unicode, Version, no MIC) for a fresh exchange's CHALLENGE. */
  byte[] authenticate() {
    exchange = mechanism.newExchange();
    client.readChallenge(
        assertInstanceOf(NtlmStep.Challenge.class, exchange.accept(client.negotiate())).token());
    return client.authenticateV2();
  }

  String refusal(byte[] token) {
    return assertInstanceOf(NtlmStep.Refused.class, exchange.accept(token)).reason();
  }

  static int length(byte[] m, int field) {
    return (m[field] & 0xFF) | (m[field + 1] & 0xFF) << 8;
  }

  static int offset(byte[] m, int field) {
    return (int) MessageReader.u32(m, field + 4);
  }

  static void set(byte[] m, int field, int length, int offset) {
    NtlmMessages.putBuffer(m, field, length, offset);
  }

  @Test
  void theValidMessagePasses() {
    byte[] m = authenticate();
    assertInstanceOf(NtlmStep.Authenticated.class, exchange.accept(m));
  }

  @Test
  void truncatedMessages() {
    exchange = mechanism.newExchange();
    assertEquals(
        "truncated NEGOTIATE message: 20 bytes, its fixed part is 32",
        refusal(Arrays.copyOf(client.negotiate(), 20)));
    byte[] m = authenticate();
    assertEquals(
        "truncated AUTHENTICATE message: 63 bytes, its fixed part is 64",
        refusal(Arrays.copyOf(m, 63)));
    m = authenticate();
    assertEquals(
        "AUTHENTICATE field EncryptedRandomSessionKey runs past the end of the message (offset "
            + offset(m, 52)
            + ", length 16, message "
            + (m.length - 1)
            + " bytes)",
        refusal(Arrays.copyOf(m, m.length - 1)));
    exchange = mechanism.newExchange();
    assertEquals(
        "not an NTLMSSP message (no \"NTLMSSP\\0\" signature)",
        refusal(Arrays.copyOf(client.negotiate(), 11)));
  }

  @Test
  void tooLarge() {
    exchange = mechanism.newExchange();
    byte[] huge = Arrays.copyOf(client.negotiate(), MessageReader.MAX_MESSAGE + 1);
    assertEquals("NTLM token of 65537 bytes; at most 65536 are accepted", refusal(huge));
    byte[] m = authenticate();
    set(m, 20, 0xFFFF, 64);
    assertEquals(
        "AUTHENTICATE field NtChallengeResponse is 65535 bytes; expected 1 to 8192", refusal(m));
    m = authenticate();
    set(m, 12, 0xFFFF, 64);
    assertEquals(
        "AUTHENTICATE field LmChallengeResponse is 65535 bytes; expected 1 to 24", refusal(m));
    m = authenticate();
    set(m, 52, 8, offset(m, 52));
    assertEquals(
        "AUTHENTICATE field EncryptedRandomSessionKey is 8 bytes; it must be 16", refusal(m));
  }

  @Test
  void offsetsOutsideTheMessageOrIntoTheHeader() {
    byte[] m = authenticate();
    set(m, 36, length(m, 36), 0xFFFFFFF0);
    assertEquals(
        "AUTHENTICATE field UserName runs past the end of the message (offset 4294967280, length 10, "
            + "message "
            + m.length
            + " bytes)",
        refusal(m));
    m = authenticate();
    set(m, 36, length(m, 36), 8);
    assertEquals(
        "AUTHENTICATE field UserName points into the message header (offset 8)", refusal(m));
  }

  @Test
  void overlappingBuffers() {
    byte[] m = authenticate();
    set(m, 36, length(m, 36), offset(m, 44)); // UserName onto Workstation
    assertEquals("AUTHENTICATE field Workstation overlaps another field", refusal(m));
    m = authenticate();
    set(m, 28, 4, offset(m, 20) + 2); // DomainName inside the NT response
    assertEquals("AUTHENTICATE field DomainName overlaps another field", refusal(m));
  }

  @Test
  void oddOrBrokenUtf16() {
    byte[] m = authenticate();
    set(m, 36, length(m, 36) - 1, offset(m, 36));
    assertEquals("AUTHENTICATE field UserName has an odd length (9) for UTF-16", refusal(m));
    m = authenticate();
    int at = offset(m, 36);
    m[at] = 0x00;
    m[at + 1] = (byte) 0xD8; // a high surrogate with no low one after it
    assertEquals("AUTHENTICATE field UserName is not valid UTF-16 (a lone surrogate)", refusal(m));
  }

  @Test
  void wrongTypeForTheState() {
    exchange = mechanism.newExchange();
    byte[] negotiate = client.negotiate();
    exchange.accept(negotiate);
    negotiate[8] = 3;
    assertEquals(
        "truncated AUTHENTICATE message: 40 bytes, its fixed part is 64", refusal(negotiate));
  }

  @Test
  void ntResponseSizesAndBlobVersion() {
    byte[] m = authenticate();
    set(m, 20, 30, offset(m, 20));
    assertEquals(
        "NT response of 30 bytes is neither NTLMv1 (24) nor NTLMv2 (at least 48)", refusal(m));
    m = authenticate();
    m[offset(m, 20) + 16] = 2;
    assertEquals("NTLMv2 blob version 2.1; expected 1.1", refusal(m));
  }

  @Test
  void avPairLists() throws Malformed {
    byte[] ok = {2, 0, 2, 0, 'A', 0, 0, 0, 0, 0};
    assertEquals(1, AvPairs.parse(ok, 0, ok.length, "t").size());
    assertEquals(
        "t: the AV pair list does not end with MsvAvEOL",
        assertThrows(Malformed.class, () -> AvPairs.parse(ok, 0, 6, "t")).getMessage());
    byte[] pastEnd = {2, 0, 10, 0, 'A', 0, 0, 0, 0, 0};
    assertEquals(
        "t: MsvAvNbDomainName runs past the end of the AV pair list",
        assertThrows(Malformed.class, () -> AvPairs.parse(pastEnd, 0, pastEnd.length, "t"))
            .getMessage());
    byte[] twice = {6, 0, 4, 0, 2, 0, 0, 0, 6, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(
        "t: MsvAvFlags appears twice",
        assertThrows(Malformed.class, () -> AvPairs.parse(twice, 0, twice.length, "t"))
            .getMessage());
    byte[] eolValue = {0, 0, 2, 0, 0, 0};
    assertEquals(
        "t: MsvAvEOL has a value",
        assertThrows(Malformed.class, () -> AvPairs.parse(eolValue, 0, eolValue.length, "t"))
            .getMessage());
    byte[] shortFlags = {6, 0, 2, 0, 2, 0, 0, 0, 0, 0};
    assertEquals(
        "t: MsvAvFlags is 2 bytes; it must be 4",
        assertThrows(Malformed.class, () -> AvPairs.parse(shortFlags, 0, shortFlags.length, "t"))
            .getMessage());
    byte[] oddName = {1, 0, 3, 0, 'A', 0, 'B', 0, 0, 0, 0};
    assertEquals(
        "t: MsvAvNbComputerName has an odd length (3) for UTF-16",
        assertThrows(Malformed.class, () -> AvPairs.parse(oddName, 0, oddName.length, "t"))
            .getMessage());
    byte[] unknownId = {(byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 0, 0};
    assertEquals(
        1,
        AvPairs.parse(unknownId, 0, unknownId.length, "t").size(),
        "unknown pairs are skipped, not fatal");
  }

  @Test
  void aBlobWhoseAvListNeverEnds() {
    // MsvAvEOL replaced by an unknown pair that swallows the blob's trailing zeros: no EOL is left.
    NtlmTestClient c =
        client.editTargetInfo(
            info ->
                NtlmTestClient.concat(
                    Arrays.copyOf(info, info.length - 4), new byte[] {0x0B, 0, 4, 0}));
    exchange = mechanism.newExchange();
    c.readChallenge(
        assertInstanceOf(NtlmStep.Challenge.class, exchange.accept(c.negotiate())).token());
    assertEquals(
        "NTLMv2 blob: the AV pair list does not end with MsvAvEOL", refusal(c.authenticateV2()));
  }
}
