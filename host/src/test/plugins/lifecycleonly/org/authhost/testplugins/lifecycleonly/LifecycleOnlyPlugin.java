package org.authhost.testplugins.lifecycleonly;

import java.time.Duration;
import org.authhost.api.BasicPlugin;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;

/** A plug-in with a life cycle and nothing else: not an authentication plug-in. */
public final class LifecycleOnlyPlugin implements BasicPlugin {
  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    return HResult.S_OK;
  }
}
