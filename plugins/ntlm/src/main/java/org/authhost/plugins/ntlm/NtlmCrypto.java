package org.authhost.plugins.ntlm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MS-NLMP §3.3 functions, as pure functions of bytes so that the §4.2 vectors test them
 * directly. Only JCA primitives (HmacMD5, MD5, ARCFOUR, DES) plus {@link Md4}, which the JDK does
 * not export; a missing primitive is an {@link IllegalStateException}: a broken JDK, not a client.
 */
final class NtlmCrypto {
  /** Seconds from the FILETIME epoch (1601-01-01) to the Unix epoch. */
  private static final long FILETIME_EPOCH_OFFSET = 11_644_473_600L;

  private NtlmCrypto() {}

  static byte[] hmacMd5(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key, "HmacMD5"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacMD5 is not available: " + e, e);
    }
  }

  static byte[] md5(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("MD5 is not available: " + e, e);
    }
  }

  static byte[] rc4(byte[] key, byte[] data) {
    try {
      Cipher rc4 = Cipher.getInstance("ARCFOUR");
      rc4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
      return rc4.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ARCFOUR is not available: " + e, e);
    }
  }

  /**
   * Upper case as Windows' RtlUpcaseUnicodeString does it: char by char, so that the length never
   * changes ({@code "ß"} stays, where {@link String#toUpperCase} would make {@code "SS"}).
   */
  static String upper(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      c[i] = Character.toUpperCase(c[i]);
    }
    return new String(c);
  }

  /**
   * NTOWFv2 = HMAC_MD5(NTOWFv1, UNICODE(Uppercase(User) ‖ UserDom)): only the user is upper-cased.
   */
  static byte[] ntowfv2(byte[] ntHash, String user, String domain) {
    return hmacMd5(ntHash, (upper(user) + domain).getBytes(StandardCharsets.UTF_16LE));
  }

  /** NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge ‖ temp). */
  static byte[] ntProofStr(byte[] responseKeyNt, byte[] serverChallenge, byte[] temp) {
    return hmacMd5(responseKeyNt, serverChallenge, temp);
  }

  /** LMv2 = HMAC_MD5(ResponseKeyLM, ServerChallenge ‖ ClientChallenge) ‖ ClientChallenge. */
  static byte[] lmv2Response(byte[] responseKeyLm, byte[] serverChallenge, byte[] clientChallenge) {
    return concat(hmacMd5(responseKeyLm, serverChallenge, clientChallenge), clientChallenge);
  }

  /**
   * The NTLMv1 response: DESL(NTOWFv1, ServerChallenge), or with EXTENDED_SESSIONSECURITY
   * DESL(NTOWFv1, MD5(ServerChallenge ‖ ClientChallenge)[0..8]).
   *
   * @param clientChallenge the first 8 bytes of the LM response with ESS, else {@code null}
   */
  static byte[] ntlmv1Response(byte[] ntHash, byte[] serverChallenge, byte[] clientChallenge) {
    byte[] data =
        clientChallenge == null
            ? serverChallenge
            : Arrays.copyOf(md5(serverChallenge, clientChallenge), 8);
    return desl(ntHash, data);
  }

  /** DESL(K, D): D encrypted under K[0..7], K[7..14] and K[14..16] ‖ 0×5, concatenated (§6). */
  static byte[] desl(byte[] key16, byte[] data8) {
    byte[] k3 = Arrays.copyOf(Arrays.copyOfRange(key16, 14, 16), 7);
    return concat(
        des(Arrays.copyOfRange(key16, 0, 7), data8),
        des(Arrays.copyOfRange(key16, 7, 14), data8),
        des(k3, data8));
  }

  /** DES-ECB of one block under a 7-byte key, spread to 8 bytes with odd parity. */
  static byte[] des(byte[] key7, byte[] block) {
    try {
      Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
      des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(desKey(key7), "DES"));
      return des.doFinal(block);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("DES is not available: " + e, e);
    }
  }

  /** Seven key bytes to the eight DES wants: 7 bits each, the low bit for odd parity. */
  static byte[] desKey(byte[] k) {
    byte[] key = new byte[8];
    key[0] = (byte) (k[0] & 0xFF);
    key[1] = (byte) ((k[0] << 7) | ((k[1] & 0xFF) >>> 1));
    key[2] = (byte) ((k[1] << 6) | ((k[2] & 0xFF) >>> 2));
    key[3] = (byte) ((k[2] << 5) | ((k[3] & 0xFF) >>> 3));
    key[4] = (byte) ((k[3] << 4) | ((k[4] & 0xFF) >>> 4));
    key[5] = (byte) ((k[4] << 3) | ((k[5] & 0xFF) >>> 5));
    key[6] = (byte) ((k[5] << 2) | ((k[6] & 0xFF) >>> 6));
    key[7] = (byte) (k[6] << 1);
    for (int i = 0; i < 8; i++) {
      int b = key[i] & 0xFE;
      key[i] = (byte) (Integer.bitCount(b) % 2 == 0 ? b | 1 : b);
    }
    return key;
  }

  /** A FILETIME: 100-ns ticks since 1601-01-01 UTC, little-endian. */
  static byte[] fileTime(Instant t) {
    long ticks = (t.getEpochSecond() + FILETIME_EPOCH_OFFSET) * 10_000_000L + t.getNano() / 100;
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (ticks >>> (8 * i));
    }
    return b;
  }

  /** The instant of a little-endian FILETIME; values past Java's range are clamped. */
  static Instant fromFileTime(byte[] b, int at) {
    long ticks = 0;
    for (int i = 7; i >= 0; i--) {
      ticks = ticks << 8 | (b[at + i] & 0xFF);
    }
    if (ticks < 0) {
      return Instant.MAX; // above 2^63 ticks: far future, and refused as such
    }
    return Instant.ofEpochSecond(
        ticks / 10_000_000L - FILETIME_EPOCH_OFFSET, (ticks % 10_000_000L) * 100);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
