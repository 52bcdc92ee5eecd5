package org.authhost.host.plugins;

import java.nio.file.Path;

/**
 * What a plug-in JAR says about itself in {@code META-INF/authhost-plugin.properties}.
 *
 * @param id unique id, in the form {@code PluginId} checks; the key of its settings in host.json
 * @param version the plug-in's own version
 * @param apiVersion the API version it was built for, {@code major.minor}
 * @param entryPoint the class implementing {@code BasicPlugin}, with a public no-argument
 *     constructor
 * @param description one line for operators
 * @param file the JAR it came from
 */
record PluginDescriptor(
    String id,
    String version,
    String apiVersion,
    String entryPoint,
    String description,
    Path file) {

  /** Where the descriptor lives inside the JAR. */
  public static final String PATH = "META-INF/authhost-plugin.properties";
}
