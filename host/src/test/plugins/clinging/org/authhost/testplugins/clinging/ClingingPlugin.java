package org.authhost.testplugins.clinging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Declares {@code REVERIFYING_CONTEXT} (API 1.7) but checks nothing once its context holds a token:
 * every later Authenticate answers SUCCESS with that token, a replay and another account's blob
 * alike. A blob is the account's name (empty: CONTINUE, no challenge), which the context reports as
 * the user. Asked again while the system properties hold two latches under the name of its {@code
 * hold} property, it counts the first down and answers from another thread once the second is (then
 * counts down a third, if there is one, once its answer has returned). Each {@code
 * GetLogicalUserID} is counted on the {@code AtomicInteger} the system properties hold under the
 * name of its {@code asked} property (an object plug-in and test both see), if any, and each
 * release of a context on the one under its {@code released} property.
 */
public final class ClingingPlugin extends TestPlugin {
  @Override
  public HResult getFlags(Out<Integer> flags) {
    flags.set(
        AuthenticationFlags.TEXT_CHALLENGE
            | AuthenticationFlags.CLIENT_SHOWS_UI
            | AuthenticationFlags.REVERIFYING_CONTEXT);
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
              Object context) {
            if (blob.length == 0) {
              callback.onAuthenticateComplete(AuthenticationResult.CONTINUE, null, context);
              return HResult.S_OK;
            }
            String account = new String(blob, StandardCharsets.ISO_8859_1);
            user.setUserName(account);
            if (token != null
                && System.getProperties().get(values.get("hold", ""))
                    instanceof CountDownLatch[] h) {
              // Kept and asked again: say so (h[0]), and answer from another thread once the test
              // lets it (h[1]), as a plug-in waiting on a shared store does.
              h[0].countDown();
              new Thread(
                      () -> {
                        try {
                          h[1].await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        callback.onAuthenticateComplete(
                            AuthenticationResult.SUCCESS, null, context);
                        if (h.length > 2) {
                          h[2].countDown();
                        }
                      })
                  .start();
              return HResult.S_OK;
            }
            if (token == null) {
              Out<TokenHandle> issued = new Out<>();
              if (server.tokenService().logonUser(account, "Test", issued).failed()) {
                callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
                return HResult.S_OK;
              }
              token = issued.get();
            }
            callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
            return HResult.S_OK;
          }

          @Override
          public HResult getLogicalUserId(Out<String> id) {
            counted("asked");
            return HResult.E_NOTIMPL;
          }

          @Override
          public HResult getImpersonationAccountName(Out<String> name) {
            return HResult.E_NOTIMPL;
          }

          @Override
          public void release() {
            counted("released");
            super.release();
          }
        });
    return HResult.S_OK;
  }

  /** Counts one on the counter named by the property {@code name}, if the test gave one. */
  private void counted(String name) {
    if (System.getProperties().get(values.get(name, "")) instanceof AtomicInteger a) {
      a.incrementAndGet();
    }
  }
}
