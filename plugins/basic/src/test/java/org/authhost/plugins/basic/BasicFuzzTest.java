package org.authhost.plugins.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;

/**
 * Coverage-guided fuzzing of the Basic credentials a client sends (the {@code Authorization} value
 * after {@code "Basic "}), through the plug-in's real {@code authenticate}.
 *
 * <p>The oracle is the plug-in rule of issue 11: malformed client input is DENIED, never ERROR and
 * never an exception, and SUCCESS only for the one right user-id and password, as an independent
 * base64 decoder reads them. Seeds: {@code src/test/resources/.../BasicFuzzTestInputs/}.
 */
class BasicFuzzTest {
  static final String USER = "alice";
  static final String PASSWORD = "Wonderland 1865";

  /** The only credentials the fake host logs on. */
  private static final byte[] RIGHT = (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8);

  static final TokenService TOKENS =
      new TokenService() {
        private final AtomicInteger next = new AtomicInteger(1);

        @Override
        public HResult logonUser(String account, String authenticationPackage, Out<TokenHandle> t) {
          return HResult.E_NOTIMPL;
        }

        @Override
        public HResult logonUser(
            String account, String password, String authenticationPackage, Out<TokenHandle> t) {
          if (!account.equals(USER) || !password.equals(PASSWORD)) {
            return HResult.E_LOGON_FAILURE;
          }
          t.set(new TokenHandle(next.getAndIncrement()));
          return HResult.S_OK;
        }

        @Override
        public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
          return HResult.E_NOTIMPL;
        }

        @Override
        public HResult closeHandle(TokenHandle handle) {
          return HResult.S_OK;
        }
      };

  @FuzzTest(maxDuration = "")
  void credentials(byte[] header) {
    List<String> malformed = new ArrayList<>();
    BasicContext context =
        new BasicContext(new BasicAuthenticationPlugin(), TOKENS, new byte[0], malformed::add);
    List<AuthenticationResult> results = new ArrayList<>();
    HResult hr;
    try {
      hr =
          context.authenticate(
              header,
              new Client(),
              null,
              TestCommand.NONE,
              (result, challenge, ctx) -> {
                results.add(result);
                return HResult.S_OK;
              },
              null);
    } finally {
      context.release();
    }
    // S_OK, or S_FALSE for a refusal that is not a wrong credential (API 1.3): never a failure.
    assertTrue(hr.equals(HResult.S_OK) || hr.equals(HResult.S_FALSE), String.valueOf(hr));
    assertEquals(1, results.size(), "the callback runs exactly once");
    AuthenticationResult result = results.get(0);
    if (header.length == 0) {
      assertEquals(AuthenticationResult.CONTINUE, result);
      return;
    }
    if (rightCredentials(header)) {
      assertEquals(AuthenticationResult.SUCCESS, result);
    } else {
      assertEquals(AuthenticationResult.DENIED, result, "garbage must be DENIED");
    }
    // The parser's own contract: it either reads credentials or says why not.
    try {
      BasicCredentials c = BasicCredentials.parse(header);
      assertFalse(c.userId().isEmpty());
      assertFalse(c.userId().contains(":"), "the user-id ends at the first colon");
      assertTrue(malformed.isEmpty());
    } catch (BasicCredentials.Malformed e) {
      assertEquals(1, malformed.size(), "a malformed response is logged once");
    }
  }

  private static boolean rightCredentials(byte[] header) {
    try {
      return Arrays.equals(RIGHT, Base64.getDecoder().decode(header));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The connecting user, as the host describes it. */
  static final class Client implements UserContext {
    @Override
    public Optional<String> userAgent() {
      return Optional.empty();
    }

    @Override
    public Optional<String> userName() {
      return Optional.empty();
    }

    @Override
    public void setUserName(String userName) {}

    @Override
    public String ipAddress() {
      return "192.0.2.7";
    }

    @Override
    public int port() {
      return 50000;
    }

    @Override
    public String controlProtocol() {
      return "HTTP";
    }

    @Override
    public long connectionId() {
      return 1;
    }
  }
}
