package org.authhost.testplugins.principal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
 * Scheme "X-Principal", bound to the connection: "SUBJECT SECONDS GROUP..." logs on a principal of
 * the issuer {@code https://idp.test} with no local account (logonPrincipal) whose proof expires
 * SECONDS from now on the host's clock, in the named local groups; a word "name=TEXT" is the
 * display name instead of "User SUBJECT". It stands in for a token plug-in that checked a
 * signature; the test checks what the host does with the token. A subject the host cannot take
 * (PrincipalLogon.of answers empty) is refused with DENIED, an expired proof (SECONDS of 0 or less)
 * benignly with OnAuthenticateRefused, as the guide tells authors. The subject is reported as the
 * user name, so that a lockout would show.
 */
public final class PrincipalPlugin extends TestPlugin {
  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set("X-Principal");
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    flags.set(AuthenticationFlags.TEXT_CHALLENGE | AuthenticationFlags.CONNECTION_BOUND);
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
            user.setUserName(words[0]);
            // The words stand for a verified token's claims: the IdP's to choose, so a value
            // the host cannot take is the client's refusal (DENIED), never a thrown exception.
            String name = "User " + words[0];
            List<String> groups = new ArrayList<>();
            for (String word : Arrays.asList(words).subList(2, words.length)) {
              if (word.startsWith("name=")) {
                name = word.substring("name=".length());
              } else {
                groups.add(word);
              }
            }
            Optional<PrincipalLogon> logon =
                PrincipalLogon.of(
                    "https://idp.test",
                    words[0],
                    name,
                    groups,
                    server.clock().instant().plus(Duration.ofSeconds(Long.parseLong(words[1]))));
            if (logon.isEmpty()) {
              callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
              return HResult.S_OK;
            }
            Out<TokenHandle> issued = new Out<>();
            HResult hr = server.tokenService().logonPrincipal(logon.get(), "Test", issued);
            if (hr.equals(HResult.SEC_E_CONTEXT_EXPIRED)) {
              // An expired proof is no guess at a credential: a benign refusal, never a lockout.
              callback.onAuthenticateRefused(null, ctx);
              return HResult.S_OK;
            }
            if (hr.failed()) {
              callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
              return HResult.S_OK;
            }
            token = issued.get();
            callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, ctx);
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }
}
