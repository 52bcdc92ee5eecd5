package org.authhost.host.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code integrations.nginxRtmp} and {@code integrations.srs}: a streaming server's call per
 * connect, publish and play, with the client's URL query among its fields.
 *
 * @param path the exact request path of the endpoint
 * @param streamPrefix put before {@code app/name} to find the publishing point
 * @param checkConnect whether a connect is checked (read at {@code streamPrefix + app + "/"})
 *     rather than allowed; clients such as ffmpeg send their query only with publish and play
 * @param userParam the query parameter that carries the user name
 * @param passwordParam the query parameter that carries the password
 * @param schemeParams query parameter to authentication scheme: its value is handled as {@code
 *     Authorization: <scheme> <value>}
 * @param callers the addresses and CIDR ranges the streaming server calls from (default: loopback)
 */
public record StreamHookConfig(
    String path,
    String streamPrefix,
    boolean checkConnect,
    String userParam,
    String passwordParam,
    Map<String, String> schemeParams,
    List<String> callers) {
  public StreamHookConfig {
    schemeParams = Collections.unmodifiableMap(new LinkedHashMap<>(schemeParams));
    callers = List.copyOf(callers);
  }

  /** Called from loopback only, the default. */
  public StreamHookConfig(
      String path,
      String streamPrefix,
      boolean checkConnect,
      String userParam,
      String passwordParam,
      Map<String, String> schemeParams) {
    this(
        path,
        streamPrefix,
        checkConnect,
        userParam,
        passwordParam,
        schemeParams,
        IntegrationsConfig.LOOPBACK);
  }
}
