package org.authhost.api;

/**
 * A plug-in that authenticates clients: it names its package and protocol, says how its exchange
 * works, and creates one {@link AuthenticationContext} per client authentication.
 *
 * <p>WMS counterpart: {@code IWMSAuthenticationPlugin}. The plug-in's entry point implements this
 * next to {@link BasicPlugin} (the host's {@code QueryInterface} is an {@code instanceof}). Values
 * come back through {@link Out} parameters; the return value is the {@link HResult} of the call.
 */
public interface AuthenticationPlugin {

  /** {@code GetPackageName}: a free-form, descriptive name, e.g. {@code "AuthHost Digest"}. */
  HResult getPackageName(Out<String> packageName);

  /**
   * {@code GetProtocolName}: the protocol, which is also the HTTP authentication scheme the host
   * offers for it, e.g. {@code "Anonymous"}, {@code "Basic"}, {@code "Digest"}, {@code "NTLM"}.
   */
  HResult getProtocolName(Out<String> protocolName);

  /** {@code GetFlags}: a bitwise OR of {@link AuthenticationFlags}. */
  HResult getFlags(Out<Integer> flags);

  /**
   * {@code CreateAuthenticationContext}: a new context for one client authentication. The host
   * calls it at least once per client and {@link AuthenticationContext#release() releases} each
   * context it was given.
   */
  HResult createAuthenticationContext(Out<AuthenticationContext> context);
}
