package org.authhost.host.containment;

import java.time.Duration;
import org.authhost.api.BasicPlugin;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;

/**
 * A plug-in whose every class is named as the containment guard's own, which the guard once let
 * reflect into the host (it skipped its own package's frames by name): its JAR is refused at load.
 */
public final class ImpostorPlugin implements BasicPlugin {
  private ServerContext server;

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    this.server = server;
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    try {
      // Reach into the host while the host calls in: no other frame of this plug-in's.
      var first = server.getClass().getDeclaredFields()[0];
      first.setAccessible(true);
      System.getProperties().put("authhost.test.impostor", String.valueOf(first.get(server)));
    } catch (ReflectiveOperationException e) {
      return HResult.E_FAIL;
    }
    return HResult.S_OK;
  }
}
