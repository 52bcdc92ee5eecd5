package org.authhost.host.metrics;

import java.util.Locale;

/**
 * What became of one answer a plug-in gave to a client's credentials (or to an anonymous request):
 * the {@code result} label of {@code authhost_logons_total}. WMS counterpart: the {@code
 * WMS_AUTHENTICATION_RESULT} a plug-in hands {@code IWMSAuthenticationCallback}, refined by what
 * the host made of it.
 */
public enum LogonResult {
  /** {@code WMS_AUTH_SUCCESS}: the client is who it said. */
  SUCCESS,
  /** {@code WMS_AUTH_CONTINUE}: a challenge, the handshake goes on. */
  CONTINUE,
  /** {@code WMS_AUTH_DENIED} that the plug-in stands by: a failed logon, counted for lockouts. */
  DENIED,
  /** A benign refusal (malformed, replayed, a stale nonce): no guess at a password. */
  REFUSED,
  /** A refusal no credential will mend ({@code OnAuthenticateForbidden}, API 1.4): 403. */
  FORBIDDEN,
  /**
   * Refused before the plug-in was asked, or whatever it said: the account or address is locked.
   */
  LOCKOUT,
  /** The plug-in's bulkhead, or the host's slow password checks, were full: 503, try again. */
  BUSY,
  /** The plug-in failed, timed out or is unusable: 503, failing closed. */
  ERROR;

  /** The label value. */
  final String label = name().toLowerCase(Locale.ROOT);

  /** The label value, as {@code /metrics} shows it. */
  public String label() {
    return label;
  }
}
