/**
 * The built-in NTLM plug-in: NTLMv2 (MS-NLMP) over HTTP (MS-NTHT) against the host's local
 * accounts, and the NTLM mechanism the Negotiate plug-in bundles.
 *
 * <p>Public: {@link org.authhost.plugins.ntlm.NtlmAuthenticationPlugin} (the entry point), {@link
 * org.authhost.plugins.ntlm.NtlmMechanism} (the server side of the NTLM security package, one per
 * plug-in), {@link org.authhost.plugins.ntlm.NtlmExchange} (one connection's AcceptSecurityContext
 * loop) and {@link org.authhost.plugins.ntlm.NtlmStep} (its outcomes).
 *
 * <p>Package-private: {@code NtlmContext} one connection's {@code IWMSAuthenticationContext};
 * {@code NtlmSettings} the named values; {@code NtlmMessages} with {@code MessageReader} and {@code
 * AvPairs} the wire format, parsed so that no client-chosen offset or length is trusted; {@code
 * AuthenticateVerifier} the decision on an AUTHENTICATE; {@code NtlmCrypto} and {@code Md4} the
 * MS-NLMP functions; the event log is the API's {@code PluginEvents}.
 */
package org.authhost.plugins.ntlm;
