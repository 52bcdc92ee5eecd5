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

  /** The token was refused (SEC_E_INVALID_TOKEN, a replay, a wrong key): the reason for the event. */
  record Refused(String reason) implements Step {}

  /** The acceptor itself cannot work: log it and fail closed. */
  record Fault(HResult code, String text) implements Step {}
}
