package org.authhost.testplugins.forbidding;

import java.nio.charset.StandardCharsets;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * Scheme "X-Forbid", answered from a thread of its own after {@code Authenticate} has returned (API
 * 1.4): an empty leg and "forbid:NAME" are refused through {@code OnAuthenticateForbidden} with a
 * reason holding a line break (which the audit must not keep) and naming the account NAME, so that
 * a lockout would show; "wrong:NAME" is a plain DENIED; "forbid-then-deny:NAME" calls
 * OnAuthenticateForbidden and then OnAuthenticateComplete (DENIED), which the host ignores.
 */
public final class ForbiddingPlugin extends TestPlugin {
  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set("X-Forbid");
    return HResult.S_OK;
  }

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
            String leg = new String(blob, StandardCharsets.ISO_8859_1);
            int colon = leg.indexOf(':');
            if (colon > 0) {
              user.setUserName(leg.substring(colon + 1));
            }
            Thread later =
                new Thread(
                    () -> {
                      if (leg.startsWith("wrong:")) {
                        callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
                      } else {
                        callback.onAuthenticateForbidden(
                            "the link expired\r\nforged: line for " + leg, ctx);
                        if (leg.startsWith("forbid-then-deny:")) {
                          callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
                        }
                      }
                    },
                    "forbidding-callback");
            later.setDaemon(true);
            later.start();
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }
}
