package org.authhost.plugins.ntlm;

import org.authhost.api.HResult;

/** What the server does after one client token (the SSPI AcceptSecurityContext outcomes). */
public sealed interface NtlmStep {

  /** SEC_I_CONTINUE_NEEDED: send {@code token} (a CHALLENGE_MESSAGE) to the client. */
  record Challenge(byte[] token) implements NtlmStep {}

  /**
   * SEC_E_OK: the AUTHENTICATE_MESSAGE proved the password of local {@code account}. {@code
   * exportedSessionKey} is MS-NLMP's ExportedSessionKey, for SPNEGO's mechListMIC; {@code
   * micVerified} says the message carried a MIC (MsvAvFlags 0x2) and it matched, which is when
   * MS-SPNG §3.3.5.1 expects SPNEGO's mechListMIC too.
   */
  record Authenticated(
      String account,
      String domain,
      String workstation,
      byte[] exportedSessionKey,
      boolean micVerified)
      implements NtlmStep {}

  /**
   * SEC_E_LOGON_DENIED / SEC_E_INVALID_TOKEN: refused; {@code reason} is for the audit event.
   * {@code user} is the user name the AUTHENTICATE_MESSAGE gave, or null before one was read: the
   * host counts failed logons per account, so a caller should report it.
   */
  record Refused(String reason, String user) implements NtlmStep {
    public Refused(String reason) {
      this(reason, null);
    }
  }

  /** An internal fault (e.g. the account store unreadable): log it and fail closed. */
  record Failed(HResult code, String detail) implements NtlmStep {}
}
