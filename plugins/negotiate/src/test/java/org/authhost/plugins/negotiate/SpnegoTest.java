package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SPNEGO messages and the DER underneath: valid ones read back, bad ones are Malformed. */
class SpnegoTest {
  private static final HexFormat HEX = HexFormat.of();
  static final byte[] NEGOTIATE =
      HEX.parseHex("4e544c4d535350000100000006820800000000000000000000000000000000000000");

  @Test
  void oidsEncodeAsPublished() throws Exception {
    assertEquals("06062b0601050502", HEX.formatHex(Der.encodeOid(Spnego.SPNEGO_OID)));
    assertEquals("060a2b06010401823702020a", HEX.formatHex(Der.encodeOid(Spnego.NTLMSSP_OID)));
    assertEquals("06092a864886f712010202", HEX.formatHex(Der.encodeOid(Spnego.KRB5_OID)));
    assertEquals("06092a864882f712010202", HEX.formatHex(Der.encodeOid(Spnego.MS_KRB5_OID)));
    for (String oid :
        List.of(
            Spnego.SPNEGO_OID,
            Spnego.NTLMSSP_OID,
            Spnego.KRB5_OID,
            Spnego.MS_KRB5_OID,
            "2.999.3")) {
      assertEquals(oid, Der.oid(new Der.Reader(Der.encodeOid(oid)).read(Der.OID, "oid")));
    }
  }

  @Test
  void aWindowsStyleNtlmNegTokenInitIsRead() throws Exception {
    byte[] token = Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, null);
    assertEquals(Spnego.Kind.INITIAL, Spnego.kind(token));
    assertEquals(Spnego.SPNEGO_OID, Spnego.initialMech(token));
    Spnego.NegTokenInit init = Spnego.parseInit(token);
    assertEquals(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), init.mechTypes());
    assertArrayEquals(NEGOTIATE, init.mechToken());
    assertNull(init.mechListMic());
    assertEquals(
        "3017060a2b06010401823702020a06092a864886f712010202",
        HEX.formatHex(init.mechTypesEncoding()),
        "the MechTypeList exactly as sent: what the mechListMIC covers");
  }

  @Test
  void reqFlagsAndMicAreAccepted() throws Exception {
    // Built by hand: [0] mechTypes, [1] reqFlags BIT STRING, [2] mechToken, [3] mechListMIC.
    byte[] fields =
        concat(
            Der.tlv(0xA0, Der.tlv(0x30, Der.encodeOid(Spnego.KRB5_OID))),
            Der.tlv(0xA1, Der.tlv(0x03, new byte[] {1, 0x60})),
            Der.tlv(0xA2, Der.tlv(0x04, new byte[] {1, 2, 3})),
            Der.tlv(0xA3, Der.tlv(0x04, new byte[] {9})));
    byte[] token =
        Der.tlv(0x60, Der.encodeOid(Spnego.SPNEGO_OID), Der.tlv(0xA0, Der.tlv(0x30, fields)));
    Spnego.NegTokenInit init = Spnego.parseInit(token);
    assertEquals(List.of(Spnego.KRB5_OID), init.mechTypes());
    assertArrayEquals(new byte[] {1, 2, 3}, init.mechToken());
    assertArrayEquals(new byte[] {9}, init.mechListMic());
  }

  @Test
  void negTokenRespRoundTrips() throws Exception {
    byte[] big = new byte[300]; // long form lengths
    Arrays.fill(big, (byte) 7);
    byte[] encoded =
        Spnego.encodeResp(Spnego.ACCEPT_INCOMPLETE, Spnego.NTLMSSP_OID, big, new byte[16]);
    assertEquals(Spnego.Kind.RESPONSE, Spnego.kind(encoded));
    Spnego.NegTokenResp resp = Spnego.parseResp(encoded);
    assertEquals(Spnego.ACCEPT_INCOMPLETE, resp.negState());
    assertEquals(Spnego.NTLMSSP_OID, resp.supportedMech());
    assertArrayEquals(big, resp.responseToken());
    assertArrayEquals(new byte[16], resp.mechListMic());
    // The usual final answer without a MIC, byte for byte what Windows sends.
    assertEquals(
        "a1073005a0030a0100",
        HEX.formatHex(Spnego.encodeResp(Spnego.ACCEPT_COMPLETED, null, null, null)));
    Spnego.NegTokenResp bare = Spnego.parseResp(HEX.parseHex("a1073005a0030a0100"));
    assertEquals(0, bare.negState());
    assertNull(bare.supportedMech());
    assertNull(bare.responseToken());
  }

  @Test
  void everyTruncationIsMalformedAndNothingElse() {
    byte[] init =
        Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, new byte[16]);
    for (int n = 0; n < init.length; n++) {
      byte[] cut = Arrays.copyOf(init, n);
      assertThrows(Malformed.class, () -> Spnego.parseInit(cut), "prefix of " + n);
    }
    byte[] resp = Spnego.encodeResp(1, Spnego.NTLMSSP_OID, NEGOTIATE, new byte[16]);
    for (int n = 0; n < resp.length; n++) {
      byte[] cut = Arrays.copyOf(resp, n);
      assertThrows(Malformed.class, () -> Spnego.parseResp(cut), "prefix of " + n);
    }
  }

  @Test
  void badStructuresAreMalformed() {
    List<String> bad =
        List.of(
            "6080", // indefinite length
            "6085ffffffffff", // five length bytes
            "6084ffffffff06062b0601050502", // length far past the end
            "600806062b0601050502", // SPNEGO with no inner token
            "600c06062b0601050502a1023000", // a NegTokenResp where the init must be
            "601006062b0601050502a0063004a0023000", // an empty mechanism list
            "600806062b06010505020000", // trailing bytes after the outer length
            "601006062b0601050502a0063004a1023000", // reqFlags without mechTypes
            "6003060180", // an OID with a padded arc
            "601006062b0601050502a0063004a002" + "3100"); // mechTypes not a SEQUENCE
    for (String hex : bad) {
      assertThrows(Malformed.class, () -> Spnego.parseInit(HEX.parseHex(hex)), hex);
    }
    assertThrows(Malformed.class, () -> Spnego.parseResp(HEX.parseHex("a1053003a0010a")));
    assertThrows(
        Malformed.class,
        () -> Spnego.parseResp(HEX.parseHex("a1083006a0040a020000")),
        "negState 2 bytes");
    assertThrows(
        Malformed.class, () -> Spnego.parseResp(HEX.parseHex("a1073005a0030a0109")), "negState 9");
    assertThrows(
        Malformed.class,
        () -> Spnego.parseResp(HEX.parseHex("a1073005a4030a0100")),
        "unknown field");
  }

  @Test
  void randomGarbageNeverThrowsAnythingButMalformed() {
    Random random = new Random(4559);
    byte[] valid =
        Spnego.encodeInit(List.of(Spnego.NTLMSSP_OID, Spnego.KRB5_OID), NEGOTIATE, new byte[16]);
    for (int i = 0; i < 20_000; i++) {
      byte[] token = valid.clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        token[random.nextInt(token.length)] = (byte) random.nextInt(256);
      }
      try {
        Spnego.parseInit(token);
      } catch (Malformed expected) {
        // fine
      }
      try {
        Spnego.parseResp(token);
      } catch (Malformed expected) {
        // fine
      }
    }
  }

  @Test
  void kinds() {
    assertEquals(Spnego.Kind.RAW_NTLMSSP, Spnego.kind(NEGOTIATE));
    assertEquals(1, Spnego.ntlmMessageType(NEGOTIATE));
    assertEquals(Spnego.Kind.UNKNOWN, Spnego.kind("NTLMSSP".getBytes()));
    assertEquals(Spnego.Kind.UNKNOWN, Spnego.kind(new byte[] {0x30, 0}));
    assertTrue(Spnego.isNtlmssp(NEGOTIATE));
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
