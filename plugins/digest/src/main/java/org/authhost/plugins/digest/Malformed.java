package org.authhost.plugins.digest;

/**
 * Why a client's {@code Authorization} value is refused. The message is the exact reason, for the
 * INFORMATION event the plug-in logs: the host's audit only sees DENIED.
 *
 * <p>Checked on purpose, so that every parse step must say what it does with bad input; without a
 * stack trace, because it is a verdict on input, not a fault, and a flood of garbage must stay
 * cheap.
 */
final class Malformed extends Exception {
  private static final long serialVersionUID = 1L;

  Malformed(String reason) {
    super(reason, null, false, false);
  }
}
