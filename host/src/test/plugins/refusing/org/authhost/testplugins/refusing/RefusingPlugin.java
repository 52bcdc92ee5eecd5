package org.authhost.testplugins.refusing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * Scheme "X-Refuse", answered from a thread of its own after {@code Authenticate} has returned
 * S_OK: an empty leg gets the challenge "fresh"; "stale:NAME" is refused benignly through {@code
 * OnAuthenticateRefused} with the challenge "fresh-again"; "wrong:NAME" (anything else) is a plain
 * DENIED; "foreign:NAME" refuses benignly with a context value of its own. The refusals name the
 * account NAME, so that a lockout would show. "refused-twice:NAME" calls OnAuthenticateRefused and
 * then OnAuthenticateComplete (DENIED), "denied-twice:NAME" the other way round; each logs an event
 * with what the host answered its second call before the plug-in takes its next leg, so once any
 * later leg is answered every second call is logged. "second:NAME" reads the header X-Second (a
 * second factor) before its plain DENIED.
 */
public final class RefusingPlugin extends TestPlugin {
  private final Semaphore secondCallsDone = new Semaphore(1);

  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set("X-Refuse");
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
            if (leg.startsWith("second:")) {
              // A second factor in a header of its own: the refusal rests on it too.
              command.header("X-Second");
            }
            int colon = leg.indexOf(':');
            if (colon > 0) {
              user.setUserName(leg.substring(colon + 1));
            }
            // Each leg waits for an earlier double call to be over (answered and logged), so
            // that the test knows every second call is logged once its next leg is answered.
            secondCallsDone.acquireUninterruptibly();
            boolean twice = leg.startsWith("refused-twice:") || leg.startsWith("denied-twice:");
            if (!twice) {
              secondCallsDone.release();
            }
            Thread later =
                new Thread(
                    () -> {
                      if (leg.isEmpty()) {
                        callback.onAuthenticateComplete(
                            AuthenticationResult.CONTINUE, bytes("fresh"), ctx);
                      } else if (leg.startsWith("stale:")) {
                        callback.onAuthenticateRefused(bytes("fresh-again"), ctx);
                      } else if (leg.startsWith("foreign:")) {
                        callback.onAuthenticateRefused(bytes("fresh-again"), new Object());
                      } else if (leg.startsWith("refused-twice:")) {
                        callback.onAuthenticateRefused(bytes("fresh-again"), ctx);
                        second(
                            callback.onAuthenticateComplete(
                                AuthenticationResult.DENIED, null, ctx));
                      } else if (leg.startsWith("denied-twice:")) {
                        callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
                        second(callback.onAuthenticateRefused(bytes("fresh-again"), ctx));
                      } else {
                        callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
                      }
                      if (twice) {
                        secondCallsDone.release();
                      }
                    },
                    "refusing-callback");
            later.setDaemon(true);
            later.start();
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }

  private void second(HResult answered) {
    server.eventLog().logEvent(values, EventLevel.INFORMATION, answered, "second call answered");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
