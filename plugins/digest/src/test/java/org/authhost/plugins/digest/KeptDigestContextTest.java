package org.authhost.plugins.digest;

import static org.authhost.api.AuthenticationResult.DENIED;
import static org.authhost.api.AuthenticationResult.SUCCESS;
import static org.authhost.plugins.digest.PluginHarness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Digest context asked again with each request of a connection, as the host asks the context it
 * keeps (REVERIFYING_CONTEXT, API 1.7): every request verified in full, the account it logged on
 * answered with the token it holds, any other account logged on afresh, a replay refused.
 */
class KeptDigestContextTest {
  private static final String URI = "/private/a.txt";

  @TempDir Path data;

  private static TokenHandle token(AuthenticationContext context) {
    Out<TokenHandle> out = new Out<>();
    assertEquals(HResult.S_OK, context.getImpersonationToken(out));
    return out.get();
  }

  @Test
  void theSameAccountAgainIsAnsweredWithTheTokenItHoldsAndNoNewLogon() throws Exception {
    PluginHarness h = new PluginHarness(data);
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    PluginHarness.Answer first = h.send(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(SUCCESS, first.result());
    AuthenticationContext kept = first.context();
    TokenHandle held = token(kept);
    for (int nc = 2; nc <= 5; nc++) {
      PluginHarness.Answer next = h.again(kept, client.header("GET", URI, "auth", nc), get(URI));
      assertEquals(SUCCESS, next.result(), "nc " + nc);
      assertEquals(
          client.expectedRspauth(URI, nc),
          DigestParams.parse(next.blob()).get("rspauth"),
          "this request's own proof");
      assertEquals(held, token(kept), "the same token, no new logon");
    }
    assertEquals(Set.of(held.value()), h.server.openHandles, "one token for five requests");
    kept.release();
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void aReplayOrAWrongPasswordOnTheKeptContextIsRefusedAsOnANewOne() throws Exception {
    PluginHarness h = new PluginHarness(data);
    TestClient client = h.client("MD5", "Mufasa", "Circle of Life");
    String header = client.header("GET", URI, "auth", 1);
    AuthenticationContext kept = h.send(header, get(URI)).context();
    PluginHarness.Answer replay = h.again(kept, header, get(URI));
    assertEquals(DENIED, replay.result(), "the count is claimed on a kept context too");
    assertEquals(HResult.S_FALSE, replay.hr(), "a replay, benign");
    TestClient guesser =
        new TestClient(
            client.challenge.entrySet().stream()
                .map(e -> e.getKey() + "=" + TestClient.q(e.getValue()))
                .reduce((x, y) -> x + ", " + y)
                .orElseThrow(),
            "Mufasa",
            "wrong");
    PluginHarness.Answer wrong = h.again(kept, guesser.header("GET", URI, "auth", 2), get(URI));
    assertEquals(DENIED, wrong.result(), "the held account gives no pass to a wrong response");
    assertEquals(HResult.S_OK, wrong.hr(), "a failed logon, as on a new context");
    kept.release();
  }

  /**
   * Another account's right response on a context that holds Mufasa is that account's logon: never
   * Mufasa's token, and Mufasa's is closed (the context holds one token at a time). Decided after
   * the count is claimed, once: the answer is final.
   */
  @Test
  void anotherAccountsProofIsLoggedOnAfreshAndTheOldTokenClosed() throws Exception {
    PluginHarness h = new PluginHarness(data);
    TestClient mufasa = h.client("SHA-256", "Mufasa", "Circle of Life");
    AuthenticationContext kept = h.send(mufasa.header("GET", URI, "auth", 1), get(URI)).context();
    TokenHandle mufasas = token(kept);
    TestClient jason = h.client("SHA-256", "J\u00e4s\u00f8n Doe", "Secret, or not?");
    FakeRequest request = get(URI);
    PluginHarness.Answer other = h.again(kept, jason.header("GET", URI, "auth", 1), request);
    assertEquals(SUCCESS, other.result());
    assertEquals("J\u00e4s\u00f8n Doe", request.userName().orElseThrow());
    TokenHandle jasons = token(kept);
    assertNotEquals(mufasas, jasons, "never the token of the account it held");
    assertEquals(Set.of(jasons.value()), h.server.openHandles, "Mufasa's token was closed");
    Out<String> logical = new Out<>();
    kept.getLogicalUserId(logical);
    assertEquals("J\u00e4s\u00f8n Doe", logical.get());
    kept.release();
    assertTrue(h.server.openHandles.isEmpty());
  }
}
