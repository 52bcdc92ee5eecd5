package org.authhost.testplugins.earlyclose;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * A connection-bound handshake under "Negotiate" ("hello", then "proof" succeeds as Guest) whose
 * context closes its token too early: once the {@code gate} latch opens (a test puts it in the
 * system properties under the name that property gives), while the connection still relies on the
 * logon, and then counts down the {@code closed} latch.
 */
public final class EarlyClosePlugin extends TestPlugin {
  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set("Negotiate");
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    // API 1.3: a connection-bound handshake says so (the host no longer binds by the name).
    flags.set(AuthenticationFlags.CHALLENGE_FIRST | AuthenticationFlags.CONNECTION_BOUND);
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
            if (!leg.equals("proof")) {
              callback.onAuthenticateComplete(
                  AuthenticationResult.CONTINUE,
                  "round-2".getBytes(StandardCharsets.ISO_8859_1),
                  ctx);
              return HResult.S_OK;
            }
            Out<TokenHandle> issued = new Out<>();
            server.tokenService().logonUser("Guest", "Test", issued);
            token = issued.get();
            TokenHandle mine = token;
            Thread closer =
                new Thread(
                    () -> {
                      try {
                        latch("gate").await();
                      } catch (InterruptedException e) {
                        return;
                      }
                      server.tokenService().closeHandle(mine);
                      latch("closed").countDown();
                    },
                    "early-close");
            closer.setDaemon(true);
            closer.start();
            callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, ctx);
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }

  private CountDownLatch latch(String property) {
    return (CountDownLatch) System.getProperties().get(values.get(property, ""));
  }
}
