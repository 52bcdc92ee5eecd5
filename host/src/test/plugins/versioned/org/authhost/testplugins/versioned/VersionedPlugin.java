package org.authhost.testplugins.versioned;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.NamedValueException;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.ServerContext;
import org.authhost.api.UserContext;
import org.authhost.testplugins.TestPlugin;

/**
 * Says which version it is in every answer, so a test sees which version served each request: the
 * version of its own descriptor. A two-leg handshake under the scheme "Versioned": an empty blob
 * gets "v=VERSION", "hello" gets "round-2 v=VERSION" (CONTINUE), "proof" on the same context
 * succeeds as Guest with the final token "served-by=VERSION"; "guest" succeeds at once; "count"
 * counts in the host's state service and answers "count=N v=VERSION". Named value {@code
 * connectionBound=true} declares {@code CONNECTION_BOUND}. A version whose name contains "broken"
 * fails InitializePlugin; one whose name contains "strict" refuses any other named value there, as
 * the built-in plug-ins do ({@link NamedValueException}).
 */
public final class VersionedPlugin extends TestPlugin {
  private final String version = ownVersion();

  private static String ownVersion() {
    try (InputStream in =
        VersionedPlugin.class
            .getClassLoader()
            .getResourceAsStream("META-INF/authhost-plugin.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  @Override
  public HResult initialize(ServerContext server, NamedValues values) {
    if (version.contains("broken")) {
      return HResult.E_FAIL;
    }
    for (String name : values.asMap().keySet()) {
      if (version.contains("strict") && !name.equals("connectionBound")) {
        throw new NamedValueException(
            name, List.of("connectionBound"), "named value '" + name + "' is not a setting");
      }
    }
    return super.initialize(server, values);
  }

  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set("Versioned");
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    boolean bound = values.get("connectionBound", "false").equals("true");
    flags.set(
        AuthenticationFlags.CHALLENGE_FIRST | (bound ? AuthenticationFlags.CONNECTION_BOUND : 0));
    return HResult.S_OK;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
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
              callback.onAuthenticateComplete(
                  AuthenticationResult.CONTINUE, bytes("v=" + version), ctx);
            } else if (leg.equals("hello")) {
              challenged = true;
              callback.onAuthenticateComplete(
                  AuthenticationResult.CONTINUE, bytes("round-2 v=" + version), ctx);
            } else if (leg.equals("count")) {
              // State kept by the host, by plug-in id: a new version counts on from the old.
              Out<Long> hits = new Out<>();
              server.state().increment("hits", java.time.Duration.ofMinutes(5), hits);
              callback.onAuthenticateComplete(
                  AuthenticationResult.CONTINUE,
                  bytes("count=" + hits.get() + " v=" + version),
                  ctx);
            } else if ((leg.equals("proof") && challenged) || leg.equals("guest")) {
              Out<org.authhost.api.TokenHandle> issued = new Out<>();
              server.tokenService().logonUser("Guest", "Test", issued);
              token = issued.get();
              callback.onAuthenticateComplete(
                  AuthenticationResult.SUCCESS, bytes("served-by=" + version), ctx);
            } else {
              callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, ctx);
            }
            return HResult.S_OK;
          }
        });
    return HResult.S_OK;
  }
}
