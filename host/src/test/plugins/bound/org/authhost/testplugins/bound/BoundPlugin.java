package org.authhost.testplugins.bound;

import java.nio.charset.StandardCharsets;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * A two-leg, connection-bound handshake under the scheme "Negotiate": "hello" gets the challenge
 * "round-2" (CONTINUE); "proof" on the same context succeeds as Guest. It logs the token handle it
 * issues, so a test can check the handle dies with the connection. Named values: {@code protocol}
 * (default {@code Negotiate}) and {@code connectionBound=true}, which declares the API 1.3 flag
 * {@code CONNECTION_BOUND}, so a test can show the host binds by the flag, not by the name.
 */
public final class BoundPlugin extends TestPlugin {
  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set(values.get("protocol", "Negotiate"));
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    boolean bound = values.get("connectionBound", "false").equals("true");
    flags.set(
        AuthenticationFlags.CHALLENGE_FIRST | (bound ? AuthenticationFlags.CONNECTION_BOUND : 0));
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(
        new Context() {
          private boolean challenged;

          @Override
          public HResult authenticate(
              byte[] blob,
              UserContext user,
              PresentationContext presentation,
              CommandContext command,
              AuthenticationCallback callback,
              Object ctx) {
            String leg = new String(blob, StandardCharsets.ISO_8859_1);
            if (leg.isEmpty()) {
              callback.onAuthenticateComplete(AuthenticationResult.CONTINUE, new byte[0], ctx);
            } else if (leg.equals("hello")) {
              challenged = true;
              callback.onAuthenticateComplete(
                  AuthenticationResult.CONTINUE,
                  "round-2".getBytes(StandardCharsets.ISO_8859_1),
                  ctx);
            } else if (leg.equals("proof") && challenged) {
              Out<TokenHandle> issued = new Out<>();
              server.tokenService().logonUser("Guest", "Test", issued);
              token = issued.get();
              server
                  .eventLog()
                  .logEvent(
                      values,
                      EventLevel.INFORMATION,
                      HResult.S_OK,
                      "token " + token.value() + " connection " + user.connectionId());
              callback.onAuthenticateComplete(
                  AuthenticationResult.SUCCESS,
                  "mutual-token".getBytes(StandardCharsets.ISO_8859_1),
                  ctx);
            } else {
              callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
            }
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }
}
