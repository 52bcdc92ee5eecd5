/**
 * The plug-in contract test kit, for plug-in authors (test scope): {@link
 * org.authhost.testkit.PluginContract} checks a plug-in JAR against every rule of the WMS/SSPI
 * plug-in model, with {@link org.authhost.testkit.KitOptions}, and reports a {@link
 * org.authhost.testkit.ContractReport} of {@link org.authhost.testkit.RuleResult}s. Everything else
 * in the kit's JAR ({@code org.authhost.host.*}, {@code org.authhost.testkit.shaded.*}) is
 * internal.
 */
package org.authhost.testkit;
