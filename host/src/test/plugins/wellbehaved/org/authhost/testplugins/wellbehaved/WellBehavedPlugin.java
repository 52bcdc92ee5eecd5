package org.authhost.testplugins.wellbehaved;

import java.nio.charset.StandardCharsets;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * A challenge-first plug-in that keeps every rule: an empty blob gets the challenge "who?"
 * (CONTINUE), the answer "guest" logs Guest on (SUCCESS), anything else is DENIED.
 */
public final class WellBehavedPlugin extends TestPlugin {
  static final byte[] CHALLENGE = "who?".getBytes(StandardCharsets.US_ASCII);

  @Override
  public HResult getFlags(Out<Integer> flags) {
    flags.set(AuthenticationFlags.TEXT_CHALLENGE | AuthenticationFlags.CHALLENGE_FIRST);
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
            if (blob.length == 0) {
              callback.onAuthenticateComplete(AuthenticationResult.CONTINUE, CHALLENGE, ctx);
              return HResult.S_OK;
            }
            if (new String(blob, StandardCharsets.ISO_8859_1).equals("guest")) {
              return WellBehavedPlugin.this.authenticate(this, callback, ctx);
            }
            callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }
}
