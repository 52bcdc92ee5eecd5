package org.authhost.plugins.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.HResult;
import org.authhost.api.PasswordCredential;
import org.junit.jupiter.api.Test;

/**
 * API 1.3: a user name and password the client gave outside the header (a streaming server's call)
 * reach Basic through {@code CommandContext.passwordCredential()} with an empty blob, and are
 * checked exactly as the header's would be; without one an empty blob still gets the challenge.
 */
class PasswordCredentialTest {
  record Outcome(HResult hr, List<AuthenticationResult> results) {}

  private static Outcome authenticate(byte[] blob, TestCommand command) {
    BasicContext context =
        new BasicContext(
            new BasicAuthenticationPlugin(), BasicFuzzTest.TOKENS, new byte[0], m -> {});
    List<AuthenticationResult> results = new ArrayList<>();
    try {
      HResult hr =
          context.authenticate(
              blob,
              new BasicFuzzTest.Client(),
              null,
              command,
              (result, challenge, ctx) -> {
                results.add(result);
                return HResult.S_OK;
              },
              null);
      return new Outcome(hr, results);
    } finally {
      context.release();
    }
  }

  @Test
  void anEmptyBlobWithoutACredentialIsStillAChallenge() {
    assertEquals(
        List.of(AuthenticationResult.CONTINUE),
        authenticate(new byte[0], TestCommand.NONE).results());
  }

  @Test
  void theCredentialIsCheckedLikeTheHeader() {
    Outcome right =
        authenticate(
            new byte[0],
            new TestCommand(new PasswordCredential(BasicFuzzTest.USER, BasicFuzzTest.PASSWORD)));
    assertEquals(List.of(AuthenticationResult.SUCCESS), right.results());
    Outcome wrong =
        authenticate(
            new byte[0], new TestCommand(new PasswordCredential(BasicFuzzTest.USER, "guess")));
    assertEquals(List.of(AuthenticationResult.DENIED), wrong.results());
    // A wrong password is a failed logon (S_OK), not a benign refusal (S_FALSE).
    assertEquals(HResult.S_OK, wrong.hr());
  }

  @Test
  void aHeaderIsReadEvenWhenACredentialCameToo() {
    byte[] header =
        Base64.getEncoder()
            .encode(
                (BasicFuzzTest.USER + ":" + BasicFuzzTest.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
    Outcome outcome =
        authenticate(header, new TestCommand(new PasswordCredential("mallory", "nope")));
    assertEquals(List.of(AuthenticationResult.SUCCESS), outcome.results());
  }
}
