package org.authhost.plugins.ntlm;

/** The NTLMSSP_NEGOTIATE_* bits of MS-NLMP §2.2.2.5, and which of them this server echoes. */
final class NtlmFlags {
  static final int UNICODE = 0x00000001;
  static final int OEM = 0x00000002;
  static final int REQUEST_TARGET = 0x00000004;
  static final int SIGN = 0x00000010;
  static final int SEAL = 0x00000020;
  static final int DATAGRAM = 0x00000040;
  static final int LM_KEY = 0x00000080;
  static final int NTLM = 0x00000200;
  static final int ANONYMOUS = 0x00000800;
  static final int OEM_DOMAIN_SUPPLIED = 0x00001000;
  static final int OEM_WORKSTATION_SUPPLIED = 0x00002000;
  static final int ALWAYS_SIGN = 0x00008000;
  static final int TARGET_TYPE_DOMAIN = 0x00010000;
  static final int TARGET_TYPE_SERVER = 0x00020000;
  static final int EXTENDED_SESSIONSECURITY = 0x00080000;
  static final int IDENTIFY = 0x00100000;
  static final int REQUEST_NON_NT_SESSION_KEY = 0x00400000;
  static final int TARGET_INFO = 0x00800000;
  static final int VERSION = 0x02000000;
  static final int NEGOTIATE_128 = 0x20000000;
  static final int KEY_EXCH = 0x40000000;
  static final int NEGOTIATE_56 = 0x80000000;

  /**
   * What a client may ask for and get back unchanged: the session-key options, because the
   * Negotiate plug-in derives SPNEGO's mechListMIC from the ExportedSessionKey; signing and sealing
   * themselves are the caller's business. LM_KEY, DATAGRAM, IDENTIFY, ANONYMOUS and
   * REQUEST_NON_NT_SESSION_KEY are never echoed: they weaken the key or the logon.
   */
  static final int ECHOED =
      REQUEST_TARGET
          | SIGN
          | SEAL
          | ALWAYS_SIGN
          | EXTENDED_SESSIONSECURITY
          | VERSION
          | NEGOTIATE_128
          | KEY_EXCH
          | NEGOTIATE_56;

  private NtlmFlags() {}

  static boolean has(int flags, int flag) {
    return (flags & flag) == flag;
  }
}
