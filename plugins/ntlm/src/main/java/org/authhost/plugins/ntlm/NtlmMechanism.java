package org.authhost.plugins.ntlm;

import org.authhost.api.NamedValues;
import org.authhost.api.PluginException;
import org.authhost.api.ServerContext;

/**
 * The NTLM server mechanism (MS-NLMP §3.2 server role, NTLMv2), shared by the NTLM plug-in and the
 * Negotiate plug-in, which bundles this JAR under {@code lib/} and hands it NTLM tokens found
 * inside SPNEGO or sent raw under the {@code Negotiate} scheme.
 *
 * <p>One instance per plug-in; thread-safe. It owns what outlives a connection: the settings, the
 * server's names and the record of server challenges already used.
 */
public final class NtlmMechanism {

  /**
   * Reads the NTLM settings from {@code settings}, each name prefixed with {@code prefix} ("" for
   * the NTLM plug-in, {@code "ntlm."} inside the Negotiate plug-in).
   *
   * @throws PluginException naming the setting and what was expected, when a value is invalid
   */
  public static NtlmMechanism create(NamedValues settings, String prefix, ServerContext server)
      throws PluginException {
    throw new UnsupportedOperationException("not yet");
  }

  /** Starts the handshake of one connection. */
  public NtlmExchange newExchange() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The warnings to log at enable, e.g. that NTLMv1 is allowed; empty when none apply. */
  public java.util.List<String> startupWarnings() {
    throw new UnsupportedOperationException("not yet");
  }
}
