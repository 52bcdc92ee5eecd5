/**
 * Helpers a plug-in may use instead of writing the WMS and SSPI rules again: {@link
 * org.authhost.api.support.OwnedToken} (the token a context owns: {@code SpGetContextTokenFn}) and
 * {@link org.authhost.api.support.PluginEvents} ({@code IWMSEventLog} with the plug-in's identity).
 * Part of the API JAR, with no dependency outside the JDK; every built-in plug-in uses them.
 *
 * @since API 1.3
 */
package org.authhost.api.support;
