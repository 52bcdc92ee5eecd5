package org.authhost.testplugins.hanginginit;

import java.util.concurrent.locks.LockSupport;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.ServerContext;
import org.authhost.testplugins.TestPlugin;

/** InitializePlugin never returns, and shrugs off interrupts. */
public final class HangingInitPlugin extends TestPlugin {
  @Override
  public HResult initialize(ServerContext server, NamedValues values) {
    while (true) {
      LockSupport.parkNanos(1_000_000_000L);
      Thread.interrupted();
    }
  }
}
