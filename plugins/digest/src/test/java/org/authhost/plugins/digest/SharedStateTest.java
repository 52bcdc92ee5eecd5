package org.authhost.plugins.digest;

import static org.authhost.api.AuthenticationResult.DENIED;
import static org.authhost.api.AuthenticationResult.ERROR;
import static org.authhost.api.AuthenticationResult.SUCCESS;
import static org.authhost.plugins.digest.FakeRequest.rtsp;
import static org.authhost.plugins.digest.PluginHarness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.authhost.api.TokenHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plug-in's state lives in the host's state service: a new plug-in object on the same service
 * (a replaced version of the same plug-in id) continues where the old one stopped, and a state
 * service that fails never lets a client in.
 */
class SharedStateTest {
  private static final String URI = "/private/a.txt";
  private static final String CAM = "rtsp://127.0.0.1:8554/cam";

  @TempDir Path data;

  @Test
  void aNonceIssuedByOneVersionIsAcceptedByTheNext() throws Exception {
    FakeServer host = new FakeServer(data);
    PluginHarness a = new PluginHarness(host);
    TestClient client = a.client("SHA-256", "Mufasa", "Circle of Life");
    a.plugin.disable();
    a.plugin.shutdown();
    PluginHarness b = new PluginHarness(host); // the replacement: a new object, the same state
    PluginHarness.Answer answer = b.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(SUCCESS, answer.result(), "no stale 401 for a client whose credentials are right");
    assertEquals(client.expectedRspauth(URI, 1), DigestParams.parse(answer.blob()).get("rspauth"));
  }

  @Test
  void aCountUsedWithOneVersionStaysRefusedWithTheNext() {
    FakeServer host = new FakeServer(data);
    PluginHarness a = new PluginHarness(host);
    TestClient client = a.client("SHA-256", "Mufasa", "Circle of Life");
    String first = client.header("GET", URI, "auth", 1);
    assertEquals(SUCCESS, a.sendAndRelease(first, get(URI)).result());
    PluginHarness b = new PluginHarness(host); // both in service at once, as during a drain
    PluginHarness.Answer replay = b.sendAndRelease(first, get(URI));
    assertEquals(DENIED, replay.result());
    assertFalse(replay.stale(), "a replay, refused as such: the window was not reset");
    assertEquals(HResult.S_FALSE, replay.hr());
    assertEquals(
        SUCCESS, b.sendAndRelease(client.header("GET", URI, "auth", 2), get(URI)).result());
    assertEquals(
        DENIED,
        a.sendAndRelease(client.header("GET", URI, "auth", 2), get(URI)).result(),
        "and back: what the new version accepted, the old one refuses");
  }

  @Test
  void anRtspConnectionKeepsItsRfc2069NonceAcrossVersionsAndNoOtherConnectionGetsIt() {
    FakeServer host = new FakeServer(data);
    PluginHarness a = new PluginHarness(host);
    PluginHarness.Answer challenge = a.sendAndRelease(null, rtsp("DESCRIBE", CAM, 5, 1));
    RtspClients.Live555 vlc =
        new RtspClients.Live555("Mufasa", "Circle of Life", CAM).challenged(challenge.lines());
    assertEquals(
        SUCCESS, a.sendAndRelease(vlc.header("DESCRIBE"), rtsp("DESCRIBE", CAM, 5, 2)).result());
    PluginHarness b = new PluginHarness(host);
    assertEquals(
        SUCCESS,
        b.sendAndRelease(vlc.header("DESCRIBE"), rtsp("DESCRIBE", CAM, 5, 3)).result(),
        "the same connection: the binding the old version made holds");
    PluginHarness.Answer other =
        b.sendAndRelease(vlc.header("DESCRIBE"), rtsp("DESCRIBE", CAM, 6, 1));
    assertEquals(DENIED, other.result(), "another connection");
    assertTrue(other.stale());
  }

  @Test
  void aRestartedHostWithAnEmptyStoreAnswersOldNoncesStaleNeverAcceptsThem() {
    FakeServer before = new FakeServer(data);
    TestClient client = new PluginHarness(before).client("SHA-256", "Mufasa", "Circle of Life");
    String first = client.header("GET", URI, "auth", 1);
    assertEquals(SUCCESS, new PluginHarness(before).sendAndRelease(first, get(URI)).result());
    // The same key file, a new (empty) store: the counts are gone, so the nonce must not be good.
    PluginHarness after = new PluginHarness(new FakeServer(data));
    PluginHarness.Answer replay = after.sendAndRelease(first, get(URI));
    assertEquals(DENIED, replay.result());
    assertTrue(replay.stale(), "stale, not forged: the key survived, so the client just retries");
    assertTrue(after.information().isEmpty());
  }

  @Test
  void aStateServiceThatFailsFailsClosed() {
    PluginHarness h = new PluginHarness(data);
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    h.server.state.failWith = HResult.E_FAIL;
    FakeRequest request = get(URI);
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), request);
    assertEquals(ERROR, a.result(), "the replay check went unanswered: never SUCCESS");
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, a.hr());
    assertTrue(
        h.server.texts(EventLevel.ERROR).get(0).startsWith("the host's state service answered "),
        h.server.texts(EventLevel.ERROR).toString());
    assertTrue(h.server.openHandles.isEmpty(), "no logon was made");

    // The RTSP connection binding fails closed as well.
    h.server.state.failWith = null;
    PluginHarness.Answer challenge = h.sendAndRelease(null, rtsp("DESCRIBE", CAM, 1, 1));
    RtspClients.Live555 vlc =
        new RtspClients.Live555("Mufasa", "Circle of Life", CAM).challenged(challenge.lines());
    h.server.state.failWith = HResult.E_FAIL;
    assertEquals(
        ERROR, h.sendAndRelease(vlc.header("DESCRIBE"), rtsp("DESCRIBE", CAM, 1, 2)).result());

    // When it works again, so does the plug-in: the count was not used up by the failure.
    h.server.state.failWith = null;
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
  }

  @Test
  void aFullStoreIsErrorWithoutAnEvent() {
    PluginHarness h = new PluginHarness(data);
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    h.server.state.failWith = HResult.NS_E_NO_NEW_CONNECTIONS;
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(ERROR, a.result(), "the host answers 503 with Retry-After");
    // Busy, not a failed logon: the host's guard takes this one code from Authenticate as a store
    // that cannot serve now (503), neither the plug-in's failure nor a wrong password.
    assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, a.hr(), "busy, not the plug-in's fault");
    assertEquals(List.of(), h.server.texts(EventLevel.ERROR));
  }

  @Test
  void enableFailsWithTheFixWhenTheStoreCannotGiveTheNonceKey() {
    FakeServer host = new FakeServer(data);
    host.state.failWith = HResult.E_FAIL;
    DigestAuthenticationPlugin plugin =
        new DigestAuthenticationPlugin(host.clock, new SecureRandom());
    assertEquals(HResult.S_OK, plugin.initialize(host, FakeServer.values()));
    PluginException e =
        assertThrows(PluginException.class, () -> plugin.enable(new Out<>(Duration.ZERO)));
    assertEquals(HResult.E_FAIL, e.hresult());
    assertTrue(
        e.getMessage()
            .contains(
                "for the nonce key (nonce-key); when the store works again, run: authhost"
                    + " plugins enable digest"),
        e.getMessage());
  }

  /** What a callback received, and on which call. */
  private record Call(String kind, AuthenticationResult result, byte[] blob) {}

  @Test
  void aStoreThatAnswersLaterGetsTheCallbackFromItsThreadAndAReplayIsABenignRefusal() {
    PluginHarness h = new PluginHarness(data);
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    String header = client.header("GET", URI, "auth", 1);
    assertEquals(SUCCESS, h.sendAndRelease(header, get(URI)).result());

    h.server.state.deferAnswers();
    List<Call> calls = new ArrayList<>();
    AuthenticationCallback callback =
        new AuthenticationCallback() {
          @Override
          public HResult onAuthenticateComplete(
              AuthenticationResult result, byte[] blob, Object context) {
            calls.add(new Call("complete", result, blob));
            return HResult.S_OK;
          }

          @Override
          public HResult onAuthenticateRefused(byte[] blob, Object context) {
            calls.add(new Call("refused", DENIED, blob));
            return HResult.S_OK;
          }
        };
    Out<AuthenticationContext> replayContext = new Out<>();
    assertEquals(HResult.S_OK, h.plugin.createAuthenticationContext(replayContext));
    FakeRequest request = get(URI);
    HResult hr =
        replayContext
            .get()
            .authenticate(
                header.getBytes(StandardCharsets.ISO_8859_1),
                request,
                request,
                request,
                callback,
                "ctx");
    assertEquals(HResult.S_OK, hr, "answered later: the return value says nothing");
    assertTrue(calls.isEmpty(), "no callback before the store has answered");
    h.server.state.release();
    assertEquals(1, calls.size());
    assertEquals("refused", calls.get(0).kind(), "a replay: benign, through onAuthenticateRefused");
    assertTrue(new String(calls.get(0).blob(), StandardCharsets.ISO_8859_1).startsWith("realm="));

    h.server.state.deferAnswers();
    Out<AuthenticationContext> next = new Out<>();
    assertEquals(HResult.S_OK, h.plugin.createAuthenticationContext(next));
    next.get()
        .authenticate(
            client.header("GET", URI, "auth", 2).getBytes(StandardCharsets.ISO_8859_1),
            request,
            request,
            request,
            callback,
            "ctx");
    assertEquals(1, calls.size());
    h.server.state.release();
    assertEquals(2, calls.size());
    assertEquals("complete", calls.get(1).kind());
    assertEquals(SUCCESS, calls.get(1).result(), "the logon ran on the store's answer");
    Out<TokenHandle> token = new Out<>();
    assertEquals(HResult.S_OK, next.get().getImpersonationToken(token));
    next.get().release();
    replayContext.get().release();
    assertTrue(h.server.openHandles.isEmpty());
  }
}
