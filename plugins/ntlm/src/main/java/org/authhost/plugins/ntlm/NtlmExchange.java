package org.authhost.plugins.ntlm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.plugins.ntlm.AvPairs.AvPair;
import org.authhost.plugins.ntlm.NtlmMessages.Authenticate;
import org.authhost.plugins.ntlm.NtlmMessages.Challenge;
import org.authhost.plugins.ntlm.NtlmMessages.Negotiate;

/**
 * One connection's NTLM handshake: NEGOTIATE → CHALLENGE → AUTHENTICATE (MS-NLMP §3.2.5), the
 * server half of one SSPI context. Not thread-safe by contract: the host gives a connection-bound
 * context one leg at a time (the methods are synchronized all the same, since that is cheap).
 *
 * <p>A NEGOTIATE always starts over, dropping any challenge still outstanding, because clients
 * restart the handshake on a connection that is challenged again. A CHALLENGE is good for one
 * AUTHENTICATE, successful or not, and for {@code handshakeTimeoutSeconds}.
 */
public final class NtlmExchange {
  /** What the server said in its CHALLENGE: the state an AUTHENTICATE is checked against. */
  record Issued(
      byte[] negotiate,
      byte[] challenge,
      byte[] serverChallenge,
      int flags,
      List<AvPair> targetInfo,
      Instant issuedAt) {}

  private final NtlmMechanism mechanism;
  private Issued issued;
  private String lastUser;

  NtlmExchange(NtlmMechanism mechanism) {
    this.mechanism = mechanism;
  }

  /**
   * Takes the client's next token and answers with the next step. Never throws: a malformed
   * message, a token out of order or a failed check is {@link NtlmStep.Refused} with the reason.
   */
  public synchronized NtlmStep accept(byte[] token) {
    NtlmStep step = step(token);
    return step instanceof NtlmStep.Refused r
            && r.user() == null
            && lastUser != null
            && !lastUser.isEmpty()
        ? new NtlmStep.Refused(r.reason(), lastUser)
        : step;
  }

  private NtlmStep step(byte[] token) {
    try {
      // Our own copy: the MIC covers these exact bytes, whatever the caller does with its array.
      byte[] copy = token == null ? null : token.clone();
      int type = MessageReader.messageType(copy);
      return switch (type) {
        case NtlmMessages.NEGOTIATE -> negotiate(copy);
        case NtlmMessages.AUTHENTICATE -> authenticate(copy);
        case NtlmMessages.CHALLENGE ->
            new NtlmStep.Refused(
                "the client sent a CHALLENGE message, which only a " + "server sends");
        default -> new NtlmStep.Refused("unknown NTLM message type " + type);
      };
    } catch (Malformed e) {
      return new NtlmStep.Refused(e.getMessage());
    } catch (CredentialFault e) {
      return new NtlmStep.Failed(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      // A bug or a broken JDK primitive, not the client's doing: fail closed, loudly.
      return new NtlmStep.Failed(
          HResult.E_UNEXPECTED,
          "NTLM could not process a token: "
              + e.getClass().getName()
              + (e.getMessage() == null ? "" : ": " + AuthenticateVerifier.shown(e.getMessage())));
    }
  }

  /** For tests: check the next AUTHENTICATE against a given CHALLENGE (e.g. a published one). */
  synchronized void expect(Issued state) {
    this.issued = state;
  }

  private NtlmStep negotiate(byte[] token) throws Malformed {
    issued = null;
    lastUser = null;
    Negotiate n = Negotiate.parse(token);
    int flags = NtlmFlags.NTLM | NtlmFlags.TARGET_INFO | (n.flags() & NtlmFlags.ECHOED);
    if (NtlmFlags.has(n.flags(), NtlmFlags.UNICODE)) {
      flags |= NtlmFlags.UNICODE;
    } else if (NtlmFlags.has(n.flags(), NtlmFlags.OEM)) {
      flags |= NtlmFlags.OEM; // curl offers only OEM
    } else {
      throw new Malformed("the NEGOTIATE offers neither UNICODE nor OEM strings");
    }
    NtlmSettings s = mechanism.settings;
    flags |= s.standalone() ? NtlmFlags.TARGET_TYPE_SERVER : NtlmFlags.TARGET_TYPE_DOMAIN;
    Instant now = mechanism.clock.instant();
    byte[] serverChallenge = mechanism.newServerChallenge();
    List<AvPair> info = mechanism.targetInfo(now);
    byte[] challenge = new Challenge(flags, s.netbiosDomain(), serverChallenge, info).encode();
    issued = new Issued(token, challenge, serverChallenge, flags, info, now);
    return new NtlmStep.Challenge(challenge.clone());
  }

  private NtlmStep authenticate(byte[] token) throws Malformed, CredentialFault {
    Issued current = issued;
    issued = null; // used up by this attempt, whatever its outcome
    lastUser = null;
    if (current == null) {
      return new NtlmStep.Refused(
          "AUTHENTICATE without a CHALLENGE on this connection: none was issued, or it "
              + "was already used");
    }
    Duration age = Duration.between(current.issuedAt(), mechanism.clock.instant());
    if (age.compareTo(mechanism.settings.handshakeTimeout()) > 0 || age.isNegative()) {
      return new NtlmStep.Refused(
          "the CHALLENGE expired: issued "
              + age.toSeconds()
              + " s ago; "
              + "handshakeTimeoutSeconds is "
              + mechanism.settings.handshakeTimeout().toSeconds());
    }
    Authenticate a = Authenticate.parse(token, NtlmFlags.has(current.flags(), NtlmFlags.UNICODE));
    lastUser = a.user();
    return new AuthenticateVerifier(mechanism).verify(current, a);
  }
}
