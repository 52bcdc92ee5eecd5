package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * NTLM signing against MS-NLMP §4.2.4.4 (NTLMv2, GSS_WrapEx of "Plaintext", RandomSessionKey 0x55 ×
 * 16).
 */
class NtlmSigningTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] KEY = new byte[16];

  /** Challenge flags of §4.2.4: KEY_EXCH | 56 | 128 | VERSION | TARGET_INFO | ESS | … */
  private static final int FLAGS = 0xE28A8233;

  static {
    Arrays.fill(KEY, (byte) 0x55);
  }

  @Test
  void keysAreThoseOfTheSpecification() {
    assertEquals(
        "4788dc861b4782f35d43fd98fe1a2d39",
        HEX.formatHex(NtlmSigning.signKey(KEY, NtlmSigning.Direction.CLIENT_TO_SERVER)));
    assertEquals(
        "59f600973cc4960a25480a7c196e4c58",
        HEX.formatHex(NtlmSigning.sealKey(KEY, FLAGS, NtlmSigning.Direction.CLIENT_TO_SERVER)));
  }

  @Test
  void theSignatureAfterSealingIsThatOfTheSpecification() throws Exception {
    Cipher handle = Cipher.getInstance("ARCFOUR");
    handle.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(
            NtlmSigning.sealKey(KEY, FLAGS, NtlmSigning.Direction.CLIENT_TO_SERVER), "ARCFOUR"));
    byte[] plaintext = "Plaintext".getBytes(StandardCharsets.UTF_16LE);
    assertEquals("54e50165bf1936dc996020c1811b0f06fb5f", HEX.formatHex(handle.update(plaintext)));
    byte[] signature =
        NtlmSigning.signature(
            NtlmSigning.signKey(KEY, NtlmSigning.Direction.CLIENT_TO_SERVER), handle, 0, plaintext);
    assertEquals("010000007fb38ec5c55d497600000000", HEX.formatHex(signature));
  }

  @Test
  void firstSignatureDiffersByDirectionAndNeedsExtendedSessionSecurity() {
    byte[] m = {1, 2, 3};
    assertNotEquals(
        HEX.formatHex(
            NtlmSigning.firstSignature(KEY, FLAGS, NtlmSigning.Direction.CLIENT_TO_SERVER, m)),
        HEX.formatHex(
            NtlmSigning.firstSignature(KEY, FLAGS, NtlmSigning.Direction.SERVER_TO_CLIENT, m)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NtlmSigning.firstSignature(
                KEY,
                FLAGS & ~NtlmSigning.NEGOTIATE_EXTENDED_SESSIONSECURITY,
                NtlmSigning.Direction.CLIENT_TO_SERVER,
                m));
  }

  @Test
  void authenticateFlagsAreReadAtOffset60() {
    byte[] authenticate =
        HEX.parseHex(
            "4e544c4d5353500003000000180018006c00000054005400840000000c000c00480000000800080054000000100010005c00000010001000d8000000358288e2");
    assertEquals(0xE2888235, NtlmSigning.authenticateFlags(authenticate));
    assertEquals(-1, NtlmSigning.authenticateFlags(new byte[60]));
  }
}
