package org.authhost.plugins.negotiate;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * NTLM message signatures (MS-NLMP §3.4.4.2, with extended session security), for SPNEGO's
 * mechListMIC: the MIC is GSS_GetMIC over the DER MechTypeList, i.e. the first signed message in
 * each direction (sequence number 0, fresh RC4 state).
 *
 * <pre>
 * SignKey  = MD5(ExportedSessionKey ‖ "session key to {client-to-server|server-to-client} signing key magic constant\0")
 * SealKey  = MD5(ExportedSessionKey[0..16|7|5 for 128|56|40 bit] ‖ "… sealing key magic constant\0")
 * Checksum = HMAC_MD5(SignKey, SeqNum ‖ Message)[0..8], RC4(SealKey)-encrypted when KEY_EXCH
 * Signature = 01 00 00 00 ‖ Checksum ‖ SeqNum (little-endian)
 * </pre>
 */
final class NtlmSigning {
  static final int NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
  static final int NEGOTIATE_128 = 0x20000000;
  static final int NEGOTIATE_KEY_EXCH = 0x40000000;
  static final int NEGOTIATE_56 = 0x80000000;

  /** Where NegotiateFlags lie in an AUTHENTICATE_MESSAGE (MS-NLMP §2.2.1.3). */
  private static final int AUTHENTICATE_FLAGS_OFFSET = 60;

  private NtlmSigning() {}

  /** Which way a message travels: each direction has its own keys. */
  enum Direction {
    CLIENT_TO_SERVER("client-to-server"),
    SERVER_TO_CLIENT("server-to-client");

    private final String words;

    Direction(String words) {
      this.words = words;
    }
  }

  /** The NegotiateFlags of an AUTHENTICATE_MESSAGE, or -1 when it is too short to have them. */
  static int authenticateFlags(byte[] authenticate) {
    int o = AUTHENTICATE_FLAGS_OFFSET;
    if (authenticate.length < o + 4) {
      return -1;
    }
    return (authenticate[o] & 0xFF)
        | (authenticate[o + 1] & 0xFF) << 8
        | (authenticate[o + 2] & 0xFF) << 16
        | (authenticate[o + 3] & 0xFF) << 24;
  }

  static byte[] signKey(byte[] exportedSessionKey, Direction direction) {
    return md5(
        exportedSessionKey, "session key to " + direction.words + " signing key magic constant\0");
  }

  static byte[] sealKey(byte[] exportedSessionKey, int flags, Direction direction) {
    int length = (flags & NEGOTIATE_128) != 0 ? 16 : (flags & NEGOTIATE_56) != 0 ? 7 : 5;
    return md5(
        Arrays.copyOf(exportedSessionKey, length),
        "session key to " + direction.words + " sealing key magic constant\0");
  }

  /**
   * The signature of the first message (sequence number 0) in one direction.
   *
   * @throws IllegalArgumentException without extended session security, whose older signature
   *     (CRC32 under RC4, §3.4.4.1) is not supported
   */
  static byte[] firstSignature(
      byte[] exportedSessionKey, int flags, Direction direction, byte[] message) {
    if ((flags & NEGOTIATE_EXTENDED_SESSIONSECURITY) == 0) {
      throw new IllegalArgumentException(
          "NTLM signing without EXTENDED_SESSIONSECURITY is not supported");
    }
    try {
      Cipher rc4 = Cipher.getInstance("ARCFOUR");
      rc4.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(sealKey(exportedSessionKey, flags, direction), "ARCFOUR"));
      return signature(
          signKey(exportedSessionKey, direction),
          (flags & NEGOTIATE_KEY_EXCH) != 0 ? rc4 : null,
          0,
          message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks ARCFOUR or HmacMD5", e);
    }
  }

  /**
   * One signature with a given sealing handle, whose RC4 state moves on: the general form, so that
   * MS-NLMP's §4.2.4.4 example (sign after seal) can check it.
   */
  static byte[] signature(byte[] signKey, Cipher sealingHandle, int seqNum, byte[] message)
      throws GeneralSecurityException {
    byte[] seq = {
      (byte) seqNum, (byte) (seqNum >>> 8), (byte) (seqNum >>> 16), (byte) (seqNum >>> 24)
    };
    Mac hmac = Mac.getInstance("HmacMD5");
    hmac.init(new SecretKeySpec(signKey, "HmacMD5"));
    hmac.update(seq);
    byte[] checksum = Arrays.copyOf(hmac.doFinal(message), 8);
    if (sealingHandle != null) {
      checksum = sealingHandle.update(checksum);
    }
    byte[] out = new byte[16];
    out[0] = 1;
    System.arraycopy(checksum, 0, out, 4, 8);
    System.arraycopy(seq, 0, out, 12, 4);
    return out;
  }

  private static byte[] md5(byte[] key, String magic) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(key);
      return md5.digest(magic.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks MD5", e);
    }
  }
}
