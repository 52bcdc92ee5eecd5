/**
 * The AuthHost plug-in API: the only thing a plug-in compiles against.
 *
 * <p>It re-creates the Windows Media Services 9 authentication plug-in model in Java: {@link
 * org.authhost.api.BasicPlugin} ({@code IWMSBasicPlugin}), {@link
 * org.authhost.api.AuthenticationPlugin} ({@code IWMSAuthenticationPlugin}), {@link
 * org.authhost.api.AuthenticationContext} ({@code IWMSAuthenticationContext}), {@link
 * org.authhost.api.AuthenticationCallback} ({@code IWMSAuthenticationCallback}), {@link
 * org.authhost.api.EventLog} ({@code IWMSEventLog}) and the SSPI token rules through {@link
 * org.authhost.api.TokenService}. Every plug-in method returns an {@link org.authhost.api.HResult};
 * values come back through {@link org.authhost.api.Out}. The package has no dependency outside the
 * JDK.
 */
package org.authhost.api;
