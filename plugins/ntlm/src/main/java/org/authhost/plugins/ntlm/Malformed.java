package org.authhost.plugins.ntlm;

/**
 * Why a client's token is refused. The message is the reason that ends up in {@link
 * NtlmStep.Refused} and the plug-in's audit event; it never quotes response bytes or keys.
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
