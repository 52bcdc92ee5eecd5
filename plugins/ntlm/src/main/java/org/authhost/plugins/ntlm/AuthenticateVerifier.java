package org.authhost.plugins.ntlm;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.authhost.plugins.ntlm.AvPairs.AvPair;
import org.authhost.plugins.ntlm.NtlmExchange.Issued;
import org.authhost.plugins.ntlm.NtlmMessages.Authenticate;

/**
 * The server's decision on one AUTHENTICATE_MESSAGE (MS-NLMP §3.2.5.1.2 and §3.3), against the
 * CHALLENGE it answers.
 *
 * <p>Order: what kind of response it is (anonymous, LM and NTLMv1 are refused by policy before any
 * secret is touched); the domain; the NTLMv2 blob's echo of our TargetInfo and its clock; then the
 * proof, which is the only step that depends on the password and costs the same for an unknown
 * account; then the keys and the MIC, which need the proof's key.
 *
 * <p>Reasons name the user and domain as the client sent them (cut short, control characters
 * hidden) and never contain response bytes, hashes or keys.
 */
final class AuthenticateVerifier {
  /** NTProofStr (16) + blob header (28) + MsvAvEOL (4). */
  static final int MIN_NTLMV2_RESPONSE = 48;

  static final int NTLMV1_RESPONSE = 24;
  private static final int MAX_SHOWN = 64;

  private final NtlmMechanism mechanism;
  private final NtlmSettings settings;

  AuthenticateVerifier(NtlmMechanism mechanism) {
    this.mechanism = mechanism;
    this.settings = mechanism.settings;
  }

  NtlmStep verify(Issued issued, Authenticate a) throws Malformed, CredentialFault {
    byte[] nt = a.ntResponse();
    byte[] lm = a.lmResponse();
    if (NtlmFlags.has(a.flags(), NtlmFlags.ANONYMOUS)
        || a.user().isEmpty()
        || (nt.length == 0 && (lm.length == 0 || (lm.length == 1 && lm[0] == 0)))) {
      return refused("anonymous NTLM refused: an account and its password are required");
    }
    if (nt.length == 0) {
      return refused("LM response refused: LM is never accepted, and no NT response was sent");
    }
    if (nt.length == NTLMV1_RESPONSE) {
      if (!settings.allowNtlmV1()) {
        return refused("NTLMv1 response refused: only NTLMv2 is allowed (allowNtlmV1 is false)");
      }
      return verifyV1(issued, a);
    }
    if (nt.length < MIN_NTLMV2_RESPONSE) {
      throw new Malformed(
          "NT response of "
              + nt.length
              + " bytes is neither NTLMv1 (24) nor NTLMv2 (at least "
              + MIN_NTLMV2_RESPONSE
              + ")");
    }
    return verifyV2(issued, a);
  }

  private NtlmStep verifyV2(Issued issued, Authenticate a) throws Malformed, CredentialFault {
    byte[] nt = a.ntResponse();
    byte[] proof = Arrays.copyOf(nt, 16);
    byte[] temp = Arrays.copyOfRange(nt, 16, nt.length);
    if (temp[0] != 1 || temp[1] != 1) {
      throw new Malformed(
          "NTLMv2 blob version " + (temp[0] & 0xFF) + "." + (temp[1] & 0xFF) + "; expected 1.1");
    }
    List<AvPair> pairs = AvPairs.parse(temp, 28, temp.length, "NTLMv2 blob");
    checkDomain(a.domain());
    for (AvPair mine : issued.targetInfo()) {
      byte[] theirs = AvPairs.find(pairs, mine.id());
      if (theirs == null) {
        throw new Malformed("the NTLMv2 blob lacks the CHALLENGE's " + AvPairs.name(mine.id()));
      }
      if (!Arrays.equals(theirs, mine.value())) {
        throw new Malformed(
            "the NTLMv2 blob's " + AvPairs.name(mine.id()) + " is not the one this server issued");
      }
    }
    Instant now = mechanism.clock.instant();
    Instant time = NtlmCrypto.fromFileTime(temp, 8);
    Duration skew =
        time.equals(Instant.MAX)
            ? Duration.ofSeconds(Long.MAX_VALUE)
            : Duration.between(time, now).abs();
    if (skew.compareTo(settings.timestampSkew()) > 0) {
      return refused(
          "the NTLMv2 blob's time is "
              + skew.toSeconds()
              + " s away from the server's clock; "
              + "timestampSkewSeconds is "
              + settings.timestampSkew().toSeconds());
    }
    boolean mic = (AvPairs.flags(pairs) & AvPairs.FLAG_MIC_PRESENT) != 0;
    if (mic && !a.hasMicField()) {
      throw new Malformed("MsvAvFlags announces a MIC, but the AUTHENTICATE has no MIC field");
    }
    if (!mic && settings.requireMic()) {
      return refused("the AUTHENTICATE has no MIC, and requireMic is true");
    }

    byte[] hash = mechanism.ntHash(a.user());
    byte[] key = hash == null ? mechanism.decoyHash() : hash;
    byte[] responseKey = NtlmCrypto.ntowfv2(key, a.user(), a.domain());
    boolean proven =
        MessageDigest.isEqual(
            NtlmCrypto.ntProofStr(responseKey, issued.serverChallenge(), temp), proof);
    if (!proven && settings.emptyDomainFallback() && !a.domain().isEmpty()) {
      // MS-NLMP §3.2.5.1.2: some clients hash the user name with an empty UserDom.
      responseKey = NtlmCrypto.ntowfv2(key, a.user(), "");
      proven =
          MessageDigest.isEqual(
              NtlmCrypto.ntProofStr(responseKey, issued.serverChallenge(), temp), proof);
    }
    if (hash == null) {
      return refused("no enabled account " + shown(a.user()) + " with an NTLM secret");
    }
    if (!proven) {
      return refused("wrong password for " + shown(a.user()) + ": the NTLMv2 proof does not match");
    }
    // NTLMv2: KeyExchangeKey = SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr).
    byte[] exported = exportedSessionKey(issued, a, NtlmCrypto.hmacMd5(responseKey, proof));
    if (mic) {
      byte[] expected =
          NtlmCrypto.hmacMd5(exported, issued.negotiate(), issued.challenge(), a.withMicZeroed());
      if (!MessageDigest.isEqual(expected, a.mic())) {
        return refused("the MIC does not match: the NTLM messages were altered on the way");
      }
    }
    return new NtlmStep.Authenticated(a.user(), a.domain(), a.workstation(), exported, mic);
  }

  private NtlmStep verifyV1(Issued issued, Authenticate a) throws Malformed, CredentialFault {
    checkDomain(a.domain());
    if (settings.requireMic()) {
      return refused("NTLMv1 carries no MIC, and requireMic is true");
    }
    boolean ess = NtlmFlags.has(issued.flags() & a.flags(), NtlmFlags.EXTENDED_SESSIONSECURITY);
    byte[] clientChallenge = null;
    if (ess) {
      if (a.lmResponse().length < 8) {
        throw new Malformed(
            "NTLMv1 with extended session security needs the client challenge in the LM response");
      }
      clientChallenge = Arrays.copyOf(a.lmResponse(), 8);
    }
    byte[] hash = mechanism.ntHash(a.user());
    byte[] key = hash == null ? mechanism.decoyHash() : hash;
    boolean proven =
        MessageDigest.isEqual(
            NtlmCrypto.ntlmv1Response(key, issued.serverChallenge(), clientChallenge),
            a.ntResponse());
    if (hash == null) {
      return refused("no enabled account " + shown(a.user()) + " with an NTLM secret");
    }
    if (!proven) {
      return refused(
          "wrong password for " + shown(a.user()) + ": the NTLMv1 response does not match");
    }
    byte[] sessionBaseKey = Md4.digest(hash);
    byte[] keyExchangeKey =
        ess
            ? NtlmCrypto.hmacMd5(sessionBaseKey, issued.serverChallenge(), clientChallenge)
            : sessionBaseKey;
    return new NtlmStep.Authenticated(
        a.user(),
        a.domain(),
        a.workstation(),
        exportedSessionKey(issued, a, keyExchangeKey),
        false);
  }

  /**
   * RC4(KeyExchangeKey, EncryptedRandomSessionKey) when both sides chose KEY_EXCH, else the
   * KeyExchangeKey.
   */
  private static byte[] exportedSessionKey(Issued issued, Authenticate a, byte[] keyExchangeKey)
      throws Malformed {
    if (!NtlmFlags.has(issued.flags() & a.flags(), NtlmFlags.KEY_EXCH)) {
      return keyExchangeKey;
    }
    if (a.encryptedRandomSessionKey().length != 16) {
      throw new Malformed(
          "KEY_EXCH was negotiated but the AUTHENTICATE has no EncryptedRandomSessionKey");
    }
    return NtlmCrypto.rc4(keyExchangeKey, a.encryptedRandomSessionKey());
  }

  private void checkDomain(String domain) throws Malformed {
    if (!settings.serves(domain)) {
      throw new Malformed("domain " + shown(domain) + " is not served here");
    }
  }

  private static NtlmStep refused(String reason) {
    return new NtlmStep.Refused(reason);
  }

  /** Client text fit for an event: quoted, cut short, control characters hidden. */
  static String shown(String s) {
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < s.length() && i < MAX_SHOWN; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.append(s.length() > MAX_SHOWN ? "...'" : "'").toString();
  }
}
