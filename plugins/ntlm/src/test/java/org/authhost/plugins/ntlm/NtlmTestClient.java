package org.authhost.plugins.ntlm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.UnaryOperator;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;

/**
 * A scriptable NTLM client for tests (MS-NLMP §3.1 client role), written apart from the plug-in's
 * code so that the two check each other: it builds NEGOTIATE, reads a CHALLENGE, and builds NTLMv2
 * (optionally with MIC and KEY_EXCH), NTLMv1 (with or without extended session security), LM-only
 * and anonymous AUTHENTICATE messages. Needs only the JDK and BouncyCastle's MD4.
 *
 * <p>Typical use, raw tokens:
 *
 * <pre>{@code
 * NtlmTestClient c = NtlmTestClient.withPassword("alice", "", "secret").mic(true);
 * NtlmStep s = exchange.accept(c.negotiate());
 * c.readChallenge(((NtlmStep.Challenge) s).token());
 * exchange.accept(c.authenticateV2());
 * }</pre>
 *
 * Over HTTP, {@link #negotiateHeader()} and {@link #authenticateHeader(String)} give the {@code
 * Authorization} values and read the {@code WWW-Authenticate} one.
 *
 * <p>Not thread-safe; one instance per handshake (it keeps the NEGOTIATE and CHALLENGE bytes for
 * the MIC).
 */
public final class NtlmTestClient {
  public static final int UNICODE = 0x00000001;
  public static final int OEM = 0x00000002;
  public static final int REQUEST_TARGET = 0x00000004;
  public static final int SIGN = 0x00000010;
  public static final int NTLM = 0x00000200;
  public static final int ANONYMOUS = 0x00000800;
  public static final int ALWAYS_SIGN = 0x00008000;
  public static final int EXTENDED_SESSIONSECURITY = 0x00080000;
  public static final int TARGET_INFO = 0x00800000;
  public static final int VERSION = 0x02000000;
  public static final int NEGOTIATE_128 = 0x20000000;
  public static final int KEY_EXCH = 0x40000000;
  public static final int NEGOTIATE_56 = 0x80000000;

  /** What curl 7.88 sends: OEM, REQUEST_TARGET, NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY. */
  public static final int CURL_FLAGS = 0x00088206;

  /** A Windows-like offer: UNICODE and OEM, signing, ESS, VERSION, 128/56-bit, KEY_EXCH. */
  public static final int WINDOWS_FLAGS = 0xE2088217;

  private final String user;
  private final String domain;
  private final String workstation;
  private final byte[] ntHash;

  private int offer = WINDOWS_FLAGS;
  private boolean mic;
  private boolean hashWithEmptyDomain;
  private Clock clock = Clock.systemUTC();
  private Instant time;
  private byte[] clientChallenge = {
    (byte) 0xaa,
    (byte) 0xaa,
    (byte) 0xaa,
    (byte) 0xaa,
    (byte) 0xaa,
    (byte) 0xaa,
    (byte) 0xaa,
    (byte) 0xaa
  };
  private byte[] randomSessionKey = filled(16, 0x55);
  private UnaryOperator<byte[]> targetInfoEdit = UnaryOperator.identity();

  private byte[] negotiate;
  private byte[] challenge;
  private int challengeFlags;
  private byte[] serverChallenge;
  private byte[] targetInfo;
  private byte[] exportedSessionKey;

  private NtlmTestClient(String user, String domain, String workstation, byte[] ntHash) {
    this.user = user;
    this.domain = domain;
    this.workstation = workstation;
    this.ntHash = ntHash.clone();
  }

  /** A client for {@code domain\\user} with this password, from workstation {@code WORKSTATION}. */
  public static NtlmTestClient withPassword(String user, String domain, String password) {
    return new NtlmTestClient(user, domain, "WORKSTATION", ntHash(password));
  }

  public static NtlmTestClient withNtHash(
      String user, String domain, String workstation, byte[] ntHash) {
    return new NtlmTestClient(user, domain, workstation, ntHash);
  }

  /** NTOWFv1 = MD4(UTF-16LE(password)). */
  public static byte[] ntHash(String password) {
    byte[] utf16 = password.getBytes(StandardCharsets.UTF_16LE);
    MD4Digest md4 = new MD4Digest();
    md4.update(utf16, 0, utf16.length);
    byte[] out = new byte[16];
    md4.doFinal(out, 0);
    return out;
  }

  /**
   * The NEGOTIATE flags to offer (default {@link #WINDOWS_FLAGS}; {@link #CURL_FLAGS} for curl's).
   */
  public NtlmTestClient offer(int flags) {
    this.offer = flags;
    return this;
  }

  /** Send a MIC (and MsvAvFlags 0x2) in NTLMv2 AUTHENTICATE messages. */
  public NtlmTestClient mic(boolean on) {
    this.mic = on;
    return this;
  }

  /**
   * Compute NTOWFv2 with an empty UserDom while still sending the domain (a known client quirk).
   */
  public NtlmTestClient hashWithEmptyDomain(boolean on) {
    this.hashWithEmptyDomain = on;
    return this;
  }

  /** The clock for the blob's time when {@link #time} is not set. */
  public NtlmTestClient clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** A fixed time for the NTLMv2 blob. */
  public NtlmTestClient time(Instant time) {
    this.time = time;
    return this;
  }

  public NtlmTestClient clientChallenge(byte[] cc) {
    this.clientChallenge = cc.clone();
    return this;
  }

  /** Rewrites the TargetInfo echoed in the NTLMv2 blob (the list up to and including MsvAvEOL). */
  public NtlmTestClient editTargetInfo(UnaryOperator<byte[]> edit) {
    this.targetInfoEdit = edit;
    return this;
  }

  /** The ExportedSessionKey of the last AUTHENTICATE built. */
  public byte[] exportedSessionKey() {
    return exportedSessionKey.clone();
  }

  public byte[] serverChallenge() {
    return serverChallenge.clone();
  }

  public int challengeFlags() {
    return challengeFlags;
  }

  /** NEGOTIATE_MESSAGE: 32 bytes (curl's size), or 40 with Version when VERSION is offered. */
  public byte[] negotiate() {
    boolean version = (offer & VERSION) != 0;
    byte[] m = new byte[version ? 40 : 32];
    header(m, 1);
    put32(m, 12, offer);
    if (version) {
      System.arraycopy(new byte[] {10, 0, 0x61, 0x4a, 0, 0, 0, 15}, 0, m, 32, 8);
    }
    negotiate = m;
    return m.clone();
  }

  public String negotiateHeader() {
    return "NTLM " + Base64.getEncoder().encodeToString(negotiate());
  }

  /**
   * Reads a CHALLENGE_MESSAGE; trusts it (this is a test client talking to the code under test).
   */
  public NtlmTestClient readChallenge(byte[] message) {
    challenge = message.clone();
    challengeFlags = (int) u32(message, 20);
    serverChallenge = Arrays.copyOfRange(message, 24, 32);
    int infoLength = u16(message, 40);
    int infoOffset = (int) u32(message, 44);
    targetInfo = Arrays.copyOfRange(message, infoOffset, infoOffset + infoLength);
    return this;
  }

  /** The value of AV pair {@code id} in the CHALLENGE's TargetInfo, or {@code null}. */
  public byte[] targetInfoValue(int id) {
    for (int at = 0; at + 4 <= targetInfo.length; ) {
      int avId = u16(targetInfo, at);
      int len = u16(targetInfo, at + 2);
      if (avId == 0) {
        return null;
      }
      if (avId == id) {
        return Arrays.copyOfRange(targetInfo, at + 4, at + 4 + len);
      }
      at += 4 + len;
    }
    return null;
  }

  /**
   * Reads a {@code WWW-Authenticate: NTLM <base64>} value and answers with an NTLMv2 AUTHENTICATE.
   */
  public String authenticateHeader(String wwwAuthenticate) {
    String b64 = wwwAuthenticate.strip();
    if (b64.regionMatches(true, 0, "NTLM ", 0, 5)) {
      b64 = b64.substring(5).strip();
    }
    readChallenge(Base64.getDecoder().decode(b64));
    return "NTLM " + Base64.getEncoder().encodeToString(authenticateV2());
  }

  /** An NTLMv2 AUTHENTICATE for the last CHALLENGE read. */
  public byte[] authenticateV2() {
    requireChallenge();
    byte[] info = targetInfoEdit.apply(mic ? withMicFlag(targetInfo) : targetInfo.clone());
    byte[] timestamp = targetInfoValue(7);
    byte[] blobTime =
        time != null ? fileTime(time) : timestamp != null ? timestamp : fileTime(clock.instant());
    byte[] temp =
        concat(
            new byte[] {1, 1, 0, 0, 0, 0, 0, 0},
            blobTime,
            clientChallenge,
            new byte[4],
            info,
            new byte[4]);
    byte[] responseKey =
        hmacMd5(
            ntHash,
            (upper(user) + (hashWithEmptyDomain ? "" : domain))
                .getBytes(StandardCharsets.UTF_16LE));
    byte[] proof = hmacMd5(responseKey, serverChallenge, temp);
    byte[] nt = concat(proof, temp);
    // MS-NLMP §3.1.5.2.1: with the server's timestamp (and so a MIC), the LM response is zeros.
    byte[] lm =
        mic
            ? new byte[24]
            : concat(hmacMd5(responseKey, serverChallenge, clientChallenge), clientChallenge);
    byte[] sessionBaseKey = hmacMd5(responseKey, proof);
    return authenticate(lm, nt, sessionBaseKey, mic);
  }

  /** An NTLMv1 AUTHENTICATE; with extended session security when the CHALLENGE agreed to it. */
  public byte[] authenticateV1() {
    requireChallenge();
    boolean ess = (challengeFlags & EXTENDED_SESSIONSECURITY) != 0;
    byte[] lm;
    byte[] nt;
    byte[] sessionBaseKey = md4(ntHash);
    byte[] keyExchangeKey;
    if (ess) {
      lm = concat(clientChallenge, new byte[16]);
      nt = desl(ntHash, Arrays.copyOf(md5(serverChallenge, clientChallenge), 8));
      keyExchangeKey = hmacMd5(sessionBaseKey, serverChallenge, clientChallenge);
    } else {
      nt = desl(ntHash, serverChallenge);
      lm = nt.clone();
      keyExchangeKey = sessionBaseKey;
    }
    return authenticate(lm, nt, keyExchangeKey, false);
  }

  /** An AUTHENTICATE with only a 24-byte LM-style response and no NT response. */
  public byte[] authenticateLmOnly() {
    requireChallenge();
    return authenticate(desl(ntHash, serverChallenge), new byte[0], new byte[16], false);
  }

  /**
   * An anonymous AUTHENTICATE (MS-NLMP §3.2.5.1.2): no user, Z(1) LM, no NT response, ANONYMOUS.
   */
  public byte[] authenticateAnonymous() {
    requireChallenge();
    return build(
        challengeFlags | ANONYMOUS, new byte[1], new byte[0], "", "", new byte[0], false, null);
  }

  private byte[] authenticate(byte[] lm, byte[] nt, byte[] keyExchangeKey, boolean withMic) {
    boolean keyExch = (challengeFlags & KEY_EXCH) != 0;
    exportedSessionKey = keyExch ? randomSessionKey.clone() : keyExchangeKey;
    byte[] encrypted = keyExch ? rc4(keyExchangeKey, randomSessionKey) : new byte[0];
    return build(challengeFlags, lm, nt, domain, user, encrypted, withMic, exportedSessionKey);
  }

  private byte[] build(
      int flags,
      byte[] lm,
      byte[] nt,
      String dom,
      String name,
      byte[] encrypted,
      boolean withMic,
      byte[] micKey) {
    Charset cs = (flags & UNICODE) != 0 ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1;
    byte[] d = dom.getBytes(cs);
    byte[] u = name.getBytes(cs);
    byte[] w = workstation.getBytes(cs);
    int headerLength = withMic ? 88 : (flags & VERSION) != 0 ? 72 : 64;
    byte[] m =
        new byte
            [headerLength
                + d.length
                + u.length
                + w.length
                + lm.length
                + nt.length
                + encrypted.length];
    header(m, 3);
    int at = headerLength;
    at = payload(m, 28, d, at);
    at = payload(m, 36, u, at);
    at = payload(m, 44, w, at);
    at = payload(m, 12, lm, at);
    at = payload(m, 20, nt, at);
    payload(m, 52, encrypted, at);
    put32(m, 60, flags);
    if (headerLength >= 72) {
      System.arraycopy(new byte[] {10, 0, 0x61, 0x4a, 0, 0, 0, 15}, 0, m, 64, 8);
    }
    if (withMic) {
      byte[] code = hmacMd5(micKey, negotiate, challenge, m);
      System.arraycopy(code, 0, m, 72, 16);
    }
    return m;
  }

  /** The TargetInfo with MsvAvFlags 0x2 added (or or-ed in), before MsvAvEOL. */
  private static byte[] withMicFlag(byte[] info) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean done = false;
    for (int at = 0; at + 4 <= info.length; ) {
      int id = u16(info, at);
      int len = u16(info, at + 2);
      if (id == 6) {
        byte[] v = Arrays.copyOfRange(info, at + 4, at + 8);
        v[0] |= 2;
        out.writeBytes(Arrays.copyOfRange(info, at, at + 4));
        out.writeBytes(v);
        done = true;
      } else if (id == 0) {
        if (!done) {
          out.writeBytes(new byte[] {6, 0, 4, 0, 2, 0, 0, 0});
        }
        out.writeBytes(new byte[4]);
        break;
      } else {
        out.writeBytes(Arrays.copyOfRange(info, at, at + 4 + len));
      }
      at += 4 + len;
    }
    return out.toByteArray();
  }

  private void requireChallenge() {
    if (challenge == null) {
      throw new IllegalStateException("read a CHALLENGE first");
    }
    if (negotiate == null) {
      negotiate(); // a client that skipped NEGOTIATE still needs bytes for the MIC
    }
  }

  private static int payload(byte[] m, int field, byte[] value, int at) {
    put16(m, field, value.length);
    put16(m, field + 2, value.length);
    put32(m, field + 4, at);
    System.arraycopy(value, 0, m, at, value.length);
    return at + value.length;
  }

  private static void header(byte[] m, int type) {
    System.arraycopy("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII), 0, m, 0, 8);
    put32(m, 8, type);
  }

  // --- crypto, independent of the plug-in's NtlmCrypto ---

  static String upper(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      c[i] = Character.toUpperCase(c[i]);
    }
    return new String(c);
  }

  static byte[] hmacMd5(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key, "HmacMD5"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
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
      throw new IllegalStateException(e);
    }
  }

  static byte[] md4(byte[] data) {
    MD4Digest md4 = new MD4Digest();
    md4.update(data, 0, data.length);
    byte[] out = new byte[16];
    md4.doFinal(out, 0);
    return out;
  }

  static byte[] rc4(byte[] key, byte[] data) {
    try {
      Cipher c = Cipher.getInstance("RC4");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "RC4"));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] desl(byte[] k, byte[] d) {
    byte[] k3 = new byte[7];
    System.arraycopy(k, 14, k3, 0, 2);
    return concat(
        des(Arrays.copyOfRange(k, 0, 7), d), des(Arrays.copyOfRange(k, 7, 14), d), des(k3, d));
  }

  private static byte[] des(byte[] k7, byte[] block) {
    // 56 key bits into 8 bytes, 7 bits each, parity bit ignored by the JCA.
    long bits = 0;
    for (byte b : k7) {
      bits = bits << 8 | (b & 0xFF);
    }
    byte[] key = new byte[8];
    for (int i = 0; i < 8; i++) {
      key[i] = (byte) (((bits >>> (49 - 7 * i)) & 0x7F) << 1);
    }
    try {
      Cipher c = Cipher.getInstance("DES/ECB/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
      return c.doFinal(block);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] fileTime(Instant t) {
    long ticks = (t.getEpochSecond() + 11_644_473_600L) * 10_000_000L + t.getNano() / 100;
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (ticks >>> (8 * i));
    }
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }

  private static void put16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  private static void put32(byte[] b, int at, int v) {
    put16(b, at, v);
    put16(b, at + 2, v >>> 16);
  }
}
