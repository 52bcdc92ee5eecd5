package org.authhost.plugins.negotiate;

import java.util.List;
import org.authhost.plugins.ntlm.NtlmMechanism;
import org.authhost.plugins.ntlm.NtlmStep;

/**
 * The NTLM mechanism as this plug-in uses it: a handshake per connection. An interface over the
 * bundled {@link NtlmMechanism}, so that the SPNEGO wrapping can be tested on its own.
 */
interface NtlmPort {

  /** Starts one connection's NEGOTIATE → CHALLENGE → AUTHENTICATE. */
  Leg newExchange();

  /** What the mechanism wants the operator to know at enable. */
  List<String> startupWarnings();

  /** One connection's NTLM handshake. */
  interface Leg {
    /** The mechanism's answer to one raw NTLMSSP token; never throws. */
    NtlmStep accept(byte[] token);
  }

  static NtlmPort of(NtlmMechanism mechanism) {
    return new NtlmPort() {
      @Override
      public Leg newExchange() {
        return mechanism.newExchange()::accept;
      }

      @Override
      public List<String> startupWarnings() {
        return mechanism.startupWarnings();
      }
    };
  }
}
