package org.authhost.host.rtsp;

import static org.authhost.host.rtsp.RelayedHost.CAM;
import static org.authhost.host.rtsp.RelayedHost.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.plugins.Reloads;
import org.authhost.host.testing.BoundedWait;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RTSP front keeps the Digest context of a connection (REVERIFYING_CONTEXT, API 1.7) as the
 * HTTP front does: an RTSP client's credentials on every request of a session are verified by one
 * context holding one token, released with the connection; another account's credentials in the
 * session are that account's logon, which the session binding refuses as before.
 */
class KeptDigestRtspTest {
  @TempDir Path root;
  private final MutableClock clock = new MutableClock();
  private AuthHost host;

  @BeforeEach
  void start() throws Exception {
    Path config =
        RelayedHost.configure(
            root,
            List.of("authhost-plugin-digest.jar"),
            """
            "digest": { "enabled": true, "properties": { "realm": "AuthHost", "algorithms": "MD5" } }
            """,
            """
            "accounts": { "digestRealms": ["AuthHost"] }
            """,
            "\"digest\"",
            "{ \"principal\": \"Users\", \"rights\": [\"read\"] }",
            List.of("ann", "bob"));
    host = RelayedHost.start(config, clock);
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** A client connection; {@link #challenge} asks for a nonce, {@link #digest} answers it. */
  private final class Client extends RelayedHost.Client {
    Client() {
      super(host);
    }

    /** A request without credentials or session: the 401's nonce. */
    String challenge() {
      ch.send(RtspHandlersTest.request("DESCRIBE", CAM, ++cseq));
      String answer = ch.answers();
      Matcher m = RtspReauthorizationTest.NONCE.matcher(answer);
      assertTrue(answer.startsWith("RTSP/1.0 401 ") && m.find(), answer);
      return m.group(1);
    }

    /** The RFC 2069 form VLC and GStreamer send with every request, on one nonce. */
    String digest(String user, String nonce, String method, String uri) throws Exception {
      return RtspReauthorizationTest.rfc2069(user, "pw-" + user, nonce, method, uri);
    }

    /** SETUP of session S1 as {@code user}, relayed and answered 200. */
    void setUp(String user, String nonce) throws Exception {
      String setup = CAM + "/stream=0";
      ch.send(
          RtspHandlersTest.request(
              "SETUP",
              setup,
              ++cseq,
              "Transport",
              TCP,
              "Authorization",
              digest(user, nonce, "SETUP", setup)));
      assertTrue(origin().startsWith("SETUP "), "relayed");
      originAnswers("Session: S1;timeout=60\r\nTransport: " + TCP + "\r\n");
      String answer = ch.answers();
      assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
    }

    /** A request in session S1 with {@code user}'s credentials: the answer's first line. */
    String inSession(String method, String user, String nonce) throws Exception {
      String uri = CAM + "/";
      ch.send(
          RtspHandlersTest.request(
              method,
              uri,
              ++cseq,
              "Session",
              "S1",
              "Authorization",
              digest(user, nonce, method, uri)));
      String sent = origin();
      if (!sent.isEmpty()) {
        assertTrue(sent.startsWith(method + " "), sent);
        originAnswers("Session: S1\r\n");
      }
      String answer = ch.answers();
      return answer.substring(0, answer.indexOf('\r'));
    }

    void close() {
      ch.close();
      ch.runPendingTasks();
    }
  }

  @Test
  void everyRequestOfASessionIsVerifiedByOneContextHoldingOneToken() throws Exception {
    Client ann = new Client();
    String nonce = ann.challenge();
    ann.setUp("ann", nonce);
    assertEquals("RTSP/1.0 200 OK", ann.inSession("PLAY", "ann", nonce));
    for (int i = 0; i < 3; i++) {
      assertEquals("RTSP/1.0 200 OK", ann.inSession("GET_PARAMETER", "ann", nonce));
    }
    assertEquals(1, host.tokens().openHandles(), "one token for five requests with credentials");
    assertEquals(
        1, RelayedHost.audited(host, "logon succeeded", Audit.quoted("TESTHOST\\ann")).size());
    ann.close();
    assertEquals(0, host.tokens().openHandles(), "released with the connection");
  }

  @Test
  void anotherAccountInTheSessionIsThatAccountsLogonAndTheBindingRefusesIt() throws Exception {
    Client ann = new Client();
    String annNonce = ann.challenge();
    ann.setUp("ann", annNonce);
    String bobNonce = ann.challenge();
    String refused = ann.inSession("PLAY", "bob", bobNonce);
    assertEquals("RTSP/1.0 403 Forbidden", refused, "the session is ann's, not bob's");
    assertFalse(RelayedHost.audited(host, "belongs to", Audit.quoted("TESTHOST\\ann")).isEmpty());
    assertEquals(
        1, RelayedHost.audited(host, "logon succeeded", Audit.quoted("TESTHOST\\bob")).size());
    assertEquals("RTSP/1.0 200 OK", ann.inSession("PLAY", "ann", annNonce), "ann's still");
    assertEquals(1, host.tokens().openHandles(), "bob's token closed when ann's replaced it");
    ann.close();
    assertEquals(0, host.tokens().openHandles());
  }

  /**
   * A reload while a session's connection holds an idle kept Digest context: the context is
   * released as the old version's drain begins (no drain time waited for), the connection and its
   * session stay, and the session's next request is decided by the version in service (the old one
   * is unloaded by then), with a new context and token.
   */
  @Test
  void aReloadReleasesAnIdleKeptContextAndTheSessionsNextRequestMeetsTheNewVersion()
      throws Exception {
    Client ann = new Client();
    String nonce = ann.challenge();
    ann.setUp("ann", nonce);
    assertEquals("RTSP/1.0 200 OK", ann.inSession("PLAY", "ann", nonce));
    assertEquals(1, host.tokens().openHandles(), "the kept context's token");
    long before = clock.nanoTime();

    host.plugins()
        .reloads()
        .reconfigure(
            "digest",
            Map.of("realm", "AuthHost", "algorithms", "MD5", "nonceLifetimeSeconds", "20"));
    // Released on the reloading thread, which then unloads the old version.
    BoundedWait.until(() -> !unloaded().isEmpty());
    assertFalse(draining(), "the old version went without waiting for the connection");
    assertEquals(0, host.tokens().openHandles(), "its kept context was released at once");
    assertEquals(before, clock.nanoTime(), "no drain time waited for");
    assertTrue(ann.ch.isOpen(), "the connection stays");

    assertEquals(
        "RTSP/1.0 200 OK",
        ann.inSession("GET_PARAMETER", "ann", nonce),
        "the same connection and session; the nonce stays good across versions");
    assertEquals(1, host.tokens().openHandles(), "held by the new version's context");
    assertEquals(1, unloaded().size(), "and only the old version was unloaded");
    ann.close();
    assertEquals(0, host.tokens().openHandles());
  }

  private List<String> unloaded() {
    return Reloads.unloaded(host, "digest");
  }

  private boolean draining() {
    return Reloads.draining(host, "digest");
  }
}
