package org.authhost.testplugins.forbidding;

import java.nio.charset.StandardCharsets;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/** Refuses every blob without a challenge, naming the client's token in the reason: a leak. */
public final class EchoingPlugin extends TestPlugin {
  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(
        new Context() {
          @Override
          public HResult authenticate(
              byte[] blob,
              UserContext user,
              PresentationContext presentation,
              CommandContext command,
              AuthenticationCallback callback,
              Object ctx) {
            callback.onAuthenticateForbidden(
                "bad token " + new String(blob, StandardCharsets.ISO_8859_1), ctx);
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }
}
