package org.authhost.plugins.ntlm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.authhost.plugins.ntlm.AvPairs.AvPair;
import org.authhost.plugins.ntlm.MessageReader.Buffer;

/** The three NTLMSSP messages (MS-NLMP §2.2.1): parsed from and written to their exact bytes. */
final class NtlmMessages {
  static final int NEGOTIATE = 1;
  static final int CHALLENGE = 2;
  static final int AUTHENTICATE = 3;

  /** The longest user, domain or workstation name accepted, in bytes (256 UTF-16 characters). */
  static final int MAX_NAME_BYTES = 512;

  /** The longest NtChallengeResponse accepted; Windows' with SPN and channel bindings is ~400. */
  static final int MAX_NT_RESPONSE = 8 * 1024;

  /** Where the MIC sits when there is one: after the 64-byte header and the 8-byte Version. */
  static final int MIC_OFFSET = 72;

  static final int MIC_LENGTH = 16;

  private NtlmMessages() {}

  /** NEGOTIATE_MESSAGE (§2.2.1.1): only the flags matter to the server. */
  record Negotiate(int flags) {
    /**
     * The fixed part: signature, type, flags, DomainNameFields, WorkstationFields (curl sends just
     * this).
     */
    static final int HEADER = 32;

    static Negotiate parse(byte[] token) throws Malformed {
      MessageReader r = new MessageReader(token, "NEGOTIATE", NEGOTIATE, HEADER);
      int flags = r.u32(12);
      // Checked although unused: a message whose own fields lie is not one to answer.
      r.buffer(16, "DomainName", 1, MAX_NAME_BYTES);
      r.buffer(24, "Workstation", 1, MAX_NAME_BYTES);
      return new Negotiate(flags);
    }
  }

  /** CHALLENGE_MESSAGE (§2.2.1.2). */
  record Challenge(int flags, String targetName, byte[] serverChallenge, List<AvPair> targetInfo) {
    /** The fixed part with Version, as servers send it. */
    static final int HEADER = 56;

    /** The fixed part without Version (pre-Vista servers). */
    static final int HEADER_WITHOUT_VERSION = 48;

    /** Version 10.0 build 0, NTLMSSP revision 15 (§2.2.2.10). */
    static final byte[] VERSION = {10, 0, 0, 0, 0, 0, 0, 15};

    byte[] encode() {
      boolean unicode = NtlmFlags.has(flags, NtlmFlags.UNICODE);
      byte[] name =
          targetName.getBytes(unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
      byte[] info = AvPairs.encode(targetInfo);
      byte[] out = new byte[HEADER + name.length + info.length];
      System.arraycopy(MessageReader.SIGNATURE, 0, out, 0, 8);
      put32(out, 8, CHALLENGE);
      putBuffer(out, 12, name.length, HEADER);
      put32(out, 20, flags);
      System.arraycopy(serverChallenge, 0, out, 24, 8);
      putBuffer(out, 40, info.length, HEADER + name.length);
      if (NtlmFlags.has(flags, NtlmFlags.VERSION)) {
        System.arraycopy(VERSION, 0, out, 48, 8);
      }
      System.arraycopy(name, 0, out, HEADER, name.length);
      System.arraycopy(info, 0, out, HEADER + name.length, info.length);
      return out;
    }

    static Challenge parse(byte[] token) throws Malformed {
      MessageReader r = new MessageReader(token, "CHALLENGE", CHALLENGE, HEADER_WITHOUT_VERSION);
      int flags = r.u32(20);
      boolean unicode = NtlmFlags.has(flags, NtlmFlags.UNICODE);
      Buffer name = r.buffer(12, "TargetName", 1, MAX_NAME_BYTES);
      Buffer info = r.buffer(40, "TargetInfo", 4, MessageReader.MAX_MESSAGE);
      List<AvPair> pairs =
          info.isEmpty()
              ? List.of()
              : AvPairs.parse(
                  token, info.offset(), info.offset() + info.length(), "CHALLENGE TargetInfo");
      return new Challenge(flags, r.string(name, unicode, "TargetName"), r.bytes(24, 8), pairs);
    }
  }

  /** AUTHENTICATE_MESSAGE (§2.2.1.3), with the facts the verifier needs about its layout. */
  record Authenticate(
      int flags,
      byte[] lmResponse,
      byte[] ntResponse,
      String domain,
      String user,
      String workstation,
      byte[] encryptedRandomSessionKey,
      int payloadStart,
      byte[] raw) {
    /** The fixed part without Version and MIC (curl sends just this). */
    static final int HEADER = 64;

    /**
     * @param unicode whether UNICODE was negotiated: it decides how the names are encoded
     */
    static Authenticate parse(byte[] token, boolean unicode) throws Malformed {
      MessageReader r = new MessageReader(token, "AUTHENTICATE", AUTHENTICATE, HEADER);
      Buffer lm = r.buffer(12, "LmChallengeResponse", 1, 24);
      Buffer nt = r.buffer(20, "NtChallengeResponse", 1, MAX_NT_RESPONSE);
      Buffer domain = r.buffer(28, "DomainName", 1, MAX_NAME_BYTES);
      Buffer user = r.buffer(36, "UserName", 1, MAX_NAME_BYTES);
      Buffer workstation = r.buffer(44, "Workstation", 1, MAX_NAME_BYTES);
      Buffer key = r.buffer(52, "EncryptedRandomSessionKey", 16, 16);
      int flags = r.u32(60);
      return new Authenticate(
          flags,
          r.bytes(lm),
          r.bytes(nt),
          r.string(domain, unicode, "DomainName"),
          r.string(user, unicode, "UserName"),
          r.string(workstation, unicode, "Workstation"),
          r.bytes(key),
          r.payloadStart(),
          token);
    }

    /** Whether the header is long enough to hold a MIC (Version and MIC before the payload). */
    boolean hasMicField() {
      return payloadStart >= MIC_OFFSET + MIC_LENGTH;
    }

    byte[] mic() {
      return Arrays.copyOfRange(raw, MIC_OFFSET, MIC_OFFSET + MIC_LENGTH);
    }

    /** The message as the MIC covers it: the MIC field zeroed. */
    byte[] withMicZeroed() {
      byte[] copy = raw.clone();
      Arrays.fill(copy, MIC_OFFSET, MIC_OFFSET + MIC_LENGTH, (byte) 0);
      return copy;
    }
  }

  static void put16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  static void put32(byte[] b, int at, int v) {
    put16(b, at, v);
    put16(b, at + 2, v >>> 16);
  }

  /** A security buffer descriptor: length, max length (the same), offset. */
  static void putBuffer(byte[] b, int at, int length, int offset) {
    put16(b, at, length);
    put16(b, at + 2, length);
    put32(b, at + 4, offset);
  }
}
