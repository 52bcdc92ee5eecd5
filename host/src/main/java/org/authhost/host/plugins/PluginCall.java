package org.authhost.host.plugins;

import org.authhost.api.HResult;

/** One call into plug-in code, made by {@link PluginGuard} and nowhere else. */
@FunctionalInterface
interface PluginCall {
  HResult invoke() throws Exception;
}
