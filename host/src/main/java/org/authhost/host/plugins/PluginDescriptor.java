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
 * @param nonBlocking {@code non-blocking=true} (API 1.3): its authentication calls never block, so
 *     the host makes them on the calling thread (an event loop) instead of handing them to a worker
 */
record PluginDescriptor(
    String id,
    String version,
    String apiVersion,
    String entryPoint,
    String description,
    Path file,
    boolean nonBlocking) {

  /** A plug-in whose calls may block (every plug-in before API 1.3). */
  PluginDescriptor(
      String id,
      String version,
      String apiVersion,
      String entryPoint,
      String description,
      Path file) {
    this(id, version, apiVersion, entryPoint, description, file, false);
  }

  /** Where the descriptor lives inside the JAR. */
  public static final String PATH = "META-INF/authhost-plugin.properties";

  /** The descriptor key of {@link #nonBlocking}. */
  static final String NON_BLOCKING = "non-blocking";

  /** The first API version whose descriptor may declare {@link #NON_BLOCKING}. */
  static final int NON_BLOCKING_SINCE_MINOR = 3;
}
