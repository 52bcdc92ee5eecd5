package org.authhost.host.plugins;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.authhost.api.Capability;

/**
 * What a plug-in JAR says about itself in {@code META-INF/authhost-plugin.properties}.
 *
 * @param id unique id, in the form {@code PluginId} checks; the key of its settings in host.json
 * @param version the plug-in's own version
 * @param apiVersion the API version it was built for, parsed once from {@code major.minor}
 * @param entryPoint the class implementing {@code BasicPlugin}, with a public no-argument
 *     constructor
 * @param description one line for operators
 * @param file the JAR it came from
 * @param nonBlocking {@code non-blocking=true} (API 1.3): its authentication calls never block, so
 *     the host makes them on the calling thread (an event loop) instead of handing them to a worker
 * @param capabilities what it declares it needs ({@code capabilities=}, API 1.3); for a plug-in
 *     built before API 1.3, which cannot declare any, every capability * @param urlCredentials the
 *     query parameters that carry its credential in a request URL ({@code url-credentials=}, API
 *     1.4), in declaration order; empty for none
 */
record PluginDescriptor(
    String id,
    String version,
    ApiVersion apiVersion,
    String entryPoint,
    String description,
    Path file,
    boolean nonBlocking,
    Set<Capability> capabilities,
    List<String> urlCredentials) {

  PluginDescriptor {
    urlCredentials = List.copyOf(urlCredentials);
    // In declaration order, for the messages that list them.
    capabilities =
        capabilities.isEmpty()
            ? Set.of()
            : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
  }

  /** Naming no query parameter for its credential. */
  PluginDescriptor(
      String id,
      String version,
      ApiVersion apiVersion,
      String entryPoint,
      String description,
      Path file,
      boolean nonBlocking,
      Set<Capability> capabilities) {
    this(
        id,
        version,
        apiVersion,
        entryPoint,
        description,
        file,
        nonBlocking,
        capabilities,
        List.of());
  }

  /**
   * Declaring nothing: no capability for API 1.3 and later, every one for a plug-in built before
   * capabilities existed.
   */
  PluginDescriptor(
      String id,
      String version,
      ApiVersion apiVersion,
      String entryPoint,
      String description,
      Path file,
      boolean nonBlocking) {
    this(
        id,
        version,
        apiVersion,
        entryPoint,
        description,
        file,
        nonBlocking,
        declaresCapabilities(apiVersion) ? Set.of() : EnumSet.allOf(Capability.class));
  }

  /** A plug-in whose calls may block (every plug-in before API 1.3). */
  PluginDescriptor(
      String id,
      String version,
      ApiVersion apiVersion,
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

  /** The descriptor key of {@link #urlCredentials}. */
  static final String URL_CREDENTIALS = "url-credentials";

  /** The first API version whose descriptor may declare {@link #URL_CREDENTIALS}. */
  static final int URL_CREDENTIALS_SINCE_MINOR = 4;

  /** The descriptor key of {@link #capabilities}. */
  static final String CAPABILITIES = "capabilities";

  /** The first API version whose descriptor declares {@link #CAPABILITIES}. */
  static final int CAPABILITIES_SINCE_MINOR = 3;

  private static final ApiVersion CAPABILITIES_SINCE = new ApiVersion(1, CAPABILITIES_SINCE_MINOR);

  /**
   * Whether the plug-in was built for an API that declares capabilities: one built before it keeps
   * every capability (and the host warns about it at each start).
   */
  boolean declaresCapabilities() {
    return declaresCapabilities(apiVersion);
  }

  private static boolean declaresCapabilities(ApiVersion apiVersion) {
    return !apiVersion.isBefore(CAPABILITIES_SINCE);
  }
}
