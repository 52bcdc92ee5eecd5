package org.authhost.host.authn;

import org.authhost.api.AccessToken;

/**
 * A logon that a plug-in proved and the driver authorized, kept by a front that lets later requests
 * of the same client go without credentials (an RTSP session's keep-alives): what {@link
 * AuthenticationDriver#reauthorize} checks again, without asking the plug-in. The counterpart of
 * the authenticated {@code IWMSAuthenticationContext} WMS keeps for a client's session and
 * authorizes each request of it with.
 *
 * @param pluginId the plug-in that proved it
 * @param account the account as the plug-in named it ({@code GetImpersonationAccountName}), as the
 *     verdict to serve named it
 * @param token the token it was authorized with, as it stood then
 */
public record Logon(String pluginId, String account, AccessToken token) {}
