/**
 * The built-in Negotiate plug-in: RFC 4559 HTTP Negotiate (SPNEGO, RFC 4178), in the role of WMS
 * Negotiate Authentication and SSPI's Negotiate package, against the host's local accounts.
 *
 * <p>Map of the module: {@link org.authhost.plugins.negotiate.NegotiateAuthenticationPlugin} is the
 * entry point and life cycle; {@code NegotiateSettings} the named values; {@code NegotiateContext}
 * one connection's exchange and the choice of mechanism; {@code Spnego} with {@code Der} the SPNEGO
 * messages the server reads and writes itself; {@code JdkGssAcceptor} Kerberos through the JDK's
 * GSS-API; {@code NtlmPort} the bundled NTLM mechanism, with {@code NtlmSigning} for the SPNEGO
 * mechListMIC; {@code PrincipalMapping} Kerberos principal to local account; the API's {@code
 * PluginEvents} the event log.
 */
package org.authhost.plugins.negotiate;
