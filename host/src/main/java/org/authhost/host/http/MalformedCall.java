package org.authhost.host.http;

/** A streaming server's call that cannot be read: refused as the caller's dialect says, audited. */
final class MalformedCall extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedCall(String reason) {
    super(reason, null, false, false);
  }
}
