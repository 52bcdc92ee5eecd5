package org.authhost.host.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The test client against MS-NLMP §4.2 (values from the reference, {@code auth-protocols.md} §5):
 * the end-to-end tests trust it to speak NTLM correctly, so it is checked on its own first.
 */
class NtlmClientTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] CHALLENGE_V2 =
      HEX.parseHex(
          "4e544c4d53535000020000000c000c003800000033828ae2"
              + "0123456789abcdef00000000000000002400240044000000060070170000000f53006500720076006500720002000c00"
              + "44006f006d00610069006e0001000c0053006500720076006500720000000000");

  @Test
  void ntHashIsNtowfv1() {
    assertEquals("a4f49c406510bdcab6824ee7c30fd852", HEX.formatHex(NtlmClient.ntHash("Password")));
  }

  @Test
  void ntlmv1ResponseIsDeslOfTheServerChallenge() throws Exception {
    byte[] response =
        NtlmClient.desl(NtlmClient.ntHash("Password"), HEX.parseHex("0123456789abcdef"));
    assertEquals("67c43011f30298a2ad35ece64f16331c44bdbed927841f94", HEX.formatHex(response));
  }

  @Test
  void ntlmv2ResponseMatchesSection424() throws Exception {
    NtlmClient client = new NtlmClient("User", "Domain", NtlmClient.ntHash("Password"), "COMPUTER");
    byte[] aa = new byte[8];
    Arrays.fill(aa, (byte) 0xaa);
    byte[] m =
        client.build(
            NtlmClient.negotiate(true), CHALLENGE_V2, NtlmClient.Response.NTLMV2, aa, new byte[8]);
    // The §4.2.4 message's flags include KEY_EXCH, so the session key is random here; the
    // responses, which depend only on the password, the challenges and the time, must match.
    int lmOffset = le32(m, 16);
    int ntOffset = le32(m, 24);
    assertEquals(
        "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa",
        HEX.formatHex(Arrays.copyOfRange(m, lmOffset, lmOffset + 24)));
    assertEquals(
        "68cd0ab851e51c96aabc927bebef6a1c",
        HEX.formatHex(Arrays.copyOfRange(m, ntOffset, ntOffset + 16)));
    assertEquals(0x54, le16(m, 20), "NtChallengeResponse length: NTProofStr and the 68-byte temp");
  }

  private static int le16(byte[] m, int at) {
    return (m[at] & 0xff) | (m[at + 1] & 0xff) << 8;
  }

  private static int le32(byte[] m, int at) {
    return le16(m, at) | le16(m, at + 2) << 16;
  }
}
