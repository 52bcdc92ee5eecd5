package org.authhost.testplugins.replayopen;

import java.time.Duration;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Claims a one-time key before every logon and ignores what the state service answered: with the
 * state service failing it lets the client in unchecked (fails open on replay protection).
 */
public final class ReplayOpenPlugin extends TestPlugin {
  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    server.state().claim("ticket-" + System.nanoTime(), Duration.ofMinutes(1), new Out<>());
    return super.authenticate(self, callback, context);
  }
}
