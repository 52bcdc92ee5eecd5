package org.authhost.host.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;

/**
 * The client side of NTLM (MS-NLMP §3.1), written from the specification for the end-to-end tests
 * and the handshake benchmark: it is the second client, next to curl, and the only one that can
 * send what curl never does (a MIC, Unicode strings, an NTLMv1 response the server must refuse).
 * Independent of the plug-in's code on purpose: a shared bug would otherwise pass both ways.
 */
public final class NtlmClient {

  /** What the AUTHENTICATE_MESSAGE proves the password with. */
  public enum Response {
    /** NTLMv2 as curl sends it: no MIC, no version. */
    NTLMV2,
    /** NTLMv2 with MsvAvFlags = MIC present and the MIC over the three messages (Windows' form). */
    NTLMV2_WITH_MIC,
    /** NTLMv2 that claims a MIC (MsvAvFlags bit 0x2) but carries a zeroed one. */
    NTLMV2_ZEROED_MIC,
    /** NTLMv2 that claims a MIC but has no MIC field at all (a 64-byte header): "drop the MIC". */
    NTLMV2_MIC_CLAIMED_WITHOUT_FIELD,
    /** A 24-byte NTLMv1 response and an LM response: what an NTLMv2-only server must refuse. */
    NTLMV1
  }

  static final int UNICODE = 0x00000001;
  static final int OEM = 0x00000002;
  static final int REQUEST_TARGET = 0x00000004;
  static final int NTLM = 0x00000200;
  static final int ALWAYS_SIGN = 0x00008000;
  static final int EXTENDED_SESSIONSECURITY = 0x00080000;
  static final int KEY_EXCH = 0x40000000;
  private static final byte[] SIGNATURE = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String user;
  private final String domain;
  private final byte[] ntHash;
  private final String workstation;

  public NtlmClient(String user, String domain, String password) {
    this(user, domain, ntHash(password), "WORKSTATION");
  }

  NtlmClient(String user, String domain, byte[] ntHash, String workstation) {
    this.user = user;
    this.domain = domain == null ? "" : domain;
    this.ntHash = ntHash.clone();
    this.workstation = workstation;
  }

  /** NTOWFv1 = MD4(UTF-16LE(password)). */
  public static byte[] ntHash(String password) {
    byte[] in = password.getBytes(StandardCharsets.UTF_16LE);
    MD4Digest md4 = new MD4Digest();
    md4.update(in, 0, in.length);
    byte[] out = new byte[16];
    md4.doFinal(out, 0);
    return out;
  }

  /** A NEGOTIATE_MESSAGE: curl's 32-byte OEM form, or one that also offers Unicode. */
  public static byte[] negotiate(boolean unicode) {
    int flags =
        (unicode ? UNICODE : 0)
            | OEM
            | REQUEST_TARGET
            | NTLM
            | ALWAYS_SIGN
            | EXTENDED_SESSIONSECURITY;
    ByteBuffer b = le(32).put(SIGNATURE).putInt(1).putInt(flags);
    return b.array(); // empty domain and workstation buffers: len 0, offset 0
  }

  /** The fields of a CHALLENGE_MESSAGE a client needs. */
  public record Challenge(int flags, byte[] serverChallenge, byte[] targetInfo) {

    public static Challenge parse(byte[] m) {
      ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
      if (m.length < 48 || !Arrays.equals(Arrays.copyOf(m, 8), SIGNATURE) || b.getInt(8) != 2) {
        throw new IllegalArgumentException("not a CHALLENGE_MESSAGE");
      }
      int flags = b.getInt(20);
      byte[] challenge = Arrays.copyOfRange(m, 24, 32);
      int infoLength = Short.toUnsignedInt(b.getShort(40));
      int infoOffset = b.getInt(44);
      byte[] info = Arrays.copyOfRange(m, infoOffset, infoOffset + infoLength);
      return new Challenge(flags, challenge, info);
    }

    /** The value of AV pair {@code id} in the target info, or null. */
    public byte[] avPair(int id) {
      ByteBuffer b = ByteBuffer.wrap(targetInfo).order(ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= 4) {
        int avId = Short.toUnsignedInt(b.getShort());
        int len = Short.toUnsignedInt(b.getShort());
        if (avId == 0) {
          return null;
        }
        byte[] v = new byte[len];
        b.get(v);
        if (avId == id) {
          return v;
        }
      }
      return null;
    }
  }

  /**
   * The AUTHENTICATE_MESSAGE answering {@code challengeMessage}, which answered {@code negotiate}.
   */
  public byte[] authenticate(byte[] negotiate, byte[] challengeMessage, Response kind) {
    byte[] clientChallenge = new byte[8];
    RANDOM.nextBytes(clientChallenge);
    try {
      return build(negotiate, challengeMessage, kind, clientChallenge, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code time} null: the server's MsvAvTimestamp, else the clock (MS-NLMP §3.1.5.1.2). */
  byte[] build(
      byte[] negotiate, byte[] challengeMessage, Response kind, byte[] clientChallenge, byte[] time)
      throws GeneralSecurityException {
    Challenge c = Challenge.parse(challengeMessage);
    int flags = c.flags();
    Charset strings =
        (flags & UNICODE) != 0 ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1;
    byte[] lm;
    byte[] nt;
    byte[] exportedKey = null;
    byte[] encryptedKey = new byte[0];
    boolean micField = kind == Response.NTLMV2_WITH_MIC || kind == Response.NTLMV2_ZEROED_MIC;
    boolean mic = micField || kind == Response.NTLMV2_MIC_CLAIMED_WITHOUT_FIELD;
    if (kind == Response.NTLMV1) {
      flags &= ~(EXTENDED_SESSIONSECURITY | KEY_EXCH);
      nt = desl(ntHash, c.serverChallenge());
      lm = nt.clone(); // LM compatibility level 2 sends the NT response in both fields
    } else {
      byte[] ntowfv2 =
          hmac(
              ntHash, (user.toUpperCase(Locale.ROOT) + domain).getBytes(StandardCharsets.UTF_16LE));
      if (time == null) {
        time = c.avPair(7);
      }
      if (time == null) {
        time = le(8).putLong((System.currentTimeMillis() + 11_644_473_600_000L) * 10_000L).array();
      }
      byte[] info = mic ? withMicFlag(c.targetInfo()) : c.targetInfo();
      byte[] temp =
          le(28 + info.length + 4)
              .put(new byte[] {1, 1, 0, 0, 0, 0, 0, 0})
              .put(time)
              .put(clientChallenge)
              .putInt(0)
              .put(info)
              .putInt(0)
              .array();
      byte[] proof = hmac(ntowfv2, concat(c.serverChallenge(), temp));
      nt = concat(proof, temp);
      lm =
          mic
              ? new byte[24]
              : concat(
                  hmac(ntowfv2, concat(c.serverChallenge(), clientChallenge)), clientChallenge);
      byte[] sessionBaseKey = hmac(ntowfv2, proof);
      exportedKey = sessionBaseKey;
      if ((flags & KEY_EXCH) != 0) {
        exportedKey = new byte[16];
        RANDOM.nextBytes(exportedKey);
        Cipher rc4 = Cipher.getInstance("ARCFOUR");
        rc4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionBaseKey, "ARCFOUR"));
        encryptedKey = rc4.doFinal(exportedKey);
      }
    }
    byte[] dom = domain.getBytes(strings);
    byte[] usr = user.getBytes(strings);
    byte[] wks = workstation.getBytes(strings);
    int header = micField ? 88 : 64;
    int length =
        header + lm.length + nt.length + dom.length + usr.length + wks.length + encryptedKey.length;
    ByteBuffer b = le(length).put(SIGNATURE).putInt(3);
    int offset = header;
    for (byte[] field : new byte[][] {lm, nt, dom, usr, wks, encryptedKey}) {
      b.putShort((short) field.length).putShort((short) field.length).putInt(offset);
      offset += field.length;
    }
    b.putInt(flags);
    if (micField) {
      b.put(
          new byte[] {
            10, 0, 0x61, 0x4a, 0, 0, 0, 15
          }); // Version: Windows 10.0.19041, NTLMSSP revision 15
      b.put(new byte[16]); // the MIC, filled in below over the message with this field zeroed
    }
    for (byte[] field : new byte[][] {lm, nt, dom, usr, wks, encryptedKey}) {
      b.put(field);
    }
    byte[] message = b.array();
    if (kind == Response.NTLMV2_WITH_MIC) {
      byte[] value = hmac(exportedKey, concat(concat(negotiate, challengeMessage), message));
      System.arraycopy(value, 0, message, 72, 16);
    }
    return message;
  }

  /** The server's pairs with MsvAvFlags = 0x2 (MIC present) inserted before MsvAvEOL. */
  private static byte[] withMicFlag(byte[] targetInfo) {
    int eol = targetInfo.length - 4; // a well-formed list ends with MsvAvEOL (4 zero bytes)
    return le(eol + 8 + 4)
        .put(targetInfo, 0, eol)
        .putShort((short) 6)
        .putShort((short) 4)
        .putInt(2)
        .putInt(0)
        .array();
  }

  /**
   * DESL (MS-NLMP §6): the 16-byte key, zero-padded to 21, as three DES keys over the same 8 bytes.
   */
  static byte[] desl(byte[] key16, byte[] data) throws GeneralSecurityException {
    byte[] k = Arrays.copyOf(key16, 21);
    byte[] out = new byte[24];
    for (int i = 0; i < 3; i++) {
      Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
      des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(desKey(k, i * 7), "DES"));
      System.arraycopy(des.doFinal(data), 0, out, i * 8, 8);
    }
    return out;
  }

  /** Spreads 56 key bits over 8 bytes, 7 bits each (DES ignores the low parity bit). */
  private static byte[] desKey(byte[] k, int at) {
    long bits = 0;
    for (int i = 0; i < 7; i++) {
      bits = (bits << 8) | (k[at + i] & 0xff);
    }
    byte[] key = new byte[8];
    for (int i = 0; i < 8; i++) {
      key[i] = (byte) (((bits >>> (49 - 7 * i)) & 0x7f) << 1);
    }
    return key;
  }

  static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacMD5");
    mac.init(new SecretKeySpec(key, "HmacMD5"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
