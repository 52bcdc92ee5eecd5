package org.authhost.host.plugins;

import java.nio.file.Path;
import org.authhost.api.HResult;

/**
 * Why a plug-in could not be loaded, Guice-style: a stable id, the file, what is wrong and the fix.
 *
 * @param id stable id, e.g. {@code plugin/duplicate-id}
 * @param pluginId the plug-in's id when known, else the file name
 * @param file the JAR concerned
 * @param hresult the code recorded on the plug-in
 * @param message what is wrong
 * @param fix what the operator should do
 */
public record PluginProblem(
    String id, String pluginId, Path file, HResult hresult, String message, String fix) {

  /** {@code [plugin/duplicate-id] file: message. Fix: fix}. */
  public String describe() {
    return "[" + id + "] " + file + ": " + message + ". Fix: " + fix;
  }
}
