package org.authhost.plugins.ntlm;

/**
 * One connection's NTLM handshake: NEGOTIATE → CHALLENGE → AUTHENTICATE (MS-NLMP §3.2.5). Not
 * thread-safe: the host gives a connection-bound context one leg at a time.
 */
public final class NtlmExchange {

  /**
   * Takes the client's next token and answers with the next step. Never throws: a malformed
   * message, a token out of order or a failed check is {@link NtlmStep.Refused} with the reason.
   */
  public NtlmStep accept(byte[] token) {
    throw new UnsupportedOperationException("not yet");
  }
}
