package org.authhost.plugins.negotiate;

import org.authhost.api.HResult;

/** What the Kerberos acceptor made of one token (the {@code AcceptSecurityContext} outcomes). */
sealed interface Step {

  /** SEC_I_CONTINUE_NEEDED: send {@code token} and wait for the client's next one. */
  record Continue(byte[] token) implements Step {}

  /**
   * SEC_E_OK: the client proved it is {@code principal}.
   *
   * @param token the final token for mutual authentication, or {@code null}
   */
  record Established(String principal, byte[] token) implements Step {}

  /**
   * The token was refused (SEC_E_INVALID_TOKEN, a replay, a wrong key): the reason for the event.
   *
   * @param keyProblem the ticket was for a key the keytab does not have (an old key version,
   *     another enctype): likely the server's set-up rather than the client, so the operator is
   *     warned
   */
  record Refused(String reason, boolean keyProblem) implements Step {
    Refused(String reason) {
      this(reason, false);
    }
  }

  /**
   * The token was not looked at because the acceptor's credential is gone (the plug-in was disabled
   * while this handshake was under way): neither the client's fault nor a broken keytab.
   */
  record Unavailable(String reason) implements Step {}

  /** The acceptor itself cannot work: log it and fail closed. */
  record Fault(HResult code, String text) implements Step {}
}
