package org.authhost.api;

/**
 * The version of this API, which a plug-in's descriptor names as {@code api-version}.
 *
 * <p>No WMS counterpart: WMS bound plug-ins by COM interface ids. Here a plug-in built for {@code
 * major.minor} loads on a host whose API has the same major and at least that minor.
 */
public final class AuthHostApi {
  /** Major version: changes only when a type or method is removed or changed. */
  public static final int MAJOR = 1;

  /** Minor version: grows when something is added. */
  public static final int MINOR = 7;

  /** {@code MAJOR.MINOR}. */
  public static final String VERSION = MAJOR + "." + MINOR;

  private AuthHostApi() {
    throw new AssertionError("constants only");
  }
}
