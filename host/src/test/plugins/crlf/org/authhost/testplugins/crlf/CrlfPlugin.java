package org.authhost.testplugins.crlf;

import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.testplugins.TestPlugin;

/**
 * Puts control characters where a console would print them: its protocol name is its {@code
 * protocol} property (CR LF and all), and it logs a WARNING whose text holds CR LF and an escape
 * sequence as it initializes.
 */
public final class CrlfPlugin extends TestPlugin {
  @Override
  public HResult initialize(ServerContext server, NamedValues values) {
    super.initialize(server, values);
    server
        .eventLog()
        .logEvent(
            values, EventLevel.WARNING, HResult.S_OK, "line one\r\n#99 forged ERROR line\u001b[2J");
    return HResult.S_OK;
  }

  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set(values.get("protocol", "Test"));
    return HResult.S_OK;
  }
}
