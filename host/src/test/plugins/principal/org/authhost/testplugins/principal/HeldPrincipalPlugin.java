package org.authhost.testplugins.principal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.PrincipalLogon;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * Scheme "X-Held", one context per request (not bound): "SUBJECT MILLIS GROUP..." logs on a
 * principal of {@code https://idp.test} whose proof expires MILLIS ms from now on the host's clock,
 * then, before it answers SUCCESS, counts down the latch the system properties hold under the name
 * of its {@code entered} property and waits for the one under {@code gate} (both optional), so that
 * a test can move the clock past the expiry between the logon and the host's authorization.
 */
public final class HeldPrincipalPlugin extends TestPlugin {
  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set("X-Held");
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    flags.set(AuthenticationFlags.TEXT_CHALLENGE);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(
        new UnnamedContext() {
          @Override
          public HResult authenticate(
              byte[] blob,
              UserContext user,
              PresentationContext presentation,
              CommandContext command,
              AuthenticationCallback callback,
              Object ctx) {
            String[] words = new String(blob, StandardCharsets.ISO_8859_1).split(" ");
            if (words.length < 2) {
              callback.onAuthenticateComplete(AuthenticationResult.CONTINUE, null, ctx);
              return HResult.S_OK;
            }
            Out<TokenHandle> issued = new Out<>();
            HResult hr =
                server
                    .tokenService()
                    .logonPrincipal(
                        new PrincipalLogon(
                            "https://idp.test",
                            words[0],
                            null,
                            List.of(words).subList(2, words.length),
                            server
                                .clock()
                                .instant()
                                .plus(Duration.ofMillis(Long.parseLong(words[1])))),
                        "Test",
                        issued);
            if (hr.failed()) {
              callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
              return HResult.S_OK;
            }
            token = issued.get();
            if (System.getProperties().get(values.get("entered", "")) instanceof CountDownLatch e) {
              e.countDown();
            }
            if (System.getProperties().get(values.get("gate", "")) instanceof CountDownLatch gate) {
              try {
                gate.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return HResult.E_ABORT;
              }
            }
            callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, ctx);
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }
}
