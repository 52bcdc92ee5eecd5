package org.authhost.host.authn;

/**
 * The refusal when a password could not be checked because the slow hash is at its limits ({@code
 * security.slowChecks}): 503 with {@code Retry-After}, audited as a refusal, not as a failed logon,
 * and never counted towards a lockout.
 */
public final class SlowCheckBusy {
  /** Seconds a client is asked to wait: the queue drains in about that time. */
  public static final int RETRY_AFTER_SECONDS = 1;

  private SlowCheckBusy() {}

  public static Refusal refusal() {
    return Refusal.busy(
        "too many logons in progress; try again shortly",
        RETRY_AFTER_SECONDS,
        "too many slow password checks in progress (security.slowChecks); not a logon failure");
  }
}
