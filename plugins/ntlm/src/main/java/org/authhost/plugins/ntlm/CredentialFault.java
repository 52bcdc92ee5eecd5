package org.authhost.plugins.ntlm;

import org.authhost.api.HResult;

/**
 * The host's credential service failed (not "unknown account": that is a refusal). Becomes {@link
 * NtlmStep.Failed}, so the plug-in fails closed and the operator hears of it.
 */
final class CredentialFault extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient HResult code;

  CredentialFault(HResult code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  HResult code() {
    return code;
  }
}
