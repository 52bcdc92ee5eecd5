package org.authhost.host.rtsp;

import static org.authhost.host.rtsp.RelayedHost.CAM;
import static org.authhost.host.rtsp.RelayedHost.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.SignedLinks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RTSP session set up with a signed URL ends with the link: its PLAY and keep-alives carry no
 * URL credential and are served on the session's logon, which the signed-url plug-in gave the
 * link's {@code ah_exp} as its end (API 1.4 {@code logonUser} with {@code expiresAt}). Below the
 * socket, with a real host, the real signed-url plug-in and the host's clock a fake one.
 */
class RtspSignedUrlExpiryTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static final String K1 = "k1-0123456789abcdef0123456789abcdef";

  @BeforeAll
  static void start() throws Exception {
    Path keys = Files.createDirectories(root.resolve("keys")).resolve("signed-url.keys");
    Files.writeString(keys, "k1=" + K1 + "\n");
    host =
        RelayedHost.start(
            RelayedHost.configure(
                root,
                List.of("authhost-plugin-signed-url.jar"),
                """
            "signed-url": { "enabled": true, "capabilities": ["token-without-credential"],
              "properties": { "account": "carol", "keysFile": "%s" } }
            """
                    .formatted(keys.toString().replace("\\", "\\\\")),
                "",
                "\"signed-url\"",
                "{ \"principal\": \"carol\", \"rights\": [\"read\"] }",
                List.of("carol")),
            clock);
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  static String signed(String prefix, long expires) throws Exception {
    return SignedLinks.query("k1", K1, prefix, expires, null);
  }

  static List<EventRecord> audited(String... parts) {
    return RelayedHost.audited(host, parts);
  }

  /** A client that set up session S1 with a link ending at {@code expires} and is playing. */
  static final class Playing extends RelayedHost.Client {
    Playing(long expires) throws Exception {
      super(host);
      String setup = CAM + "/stream=0?" + signed("/cam/", expires);
      ch.send(RtspHandlersTest.request("SETUP", setup, ++cseq, "Transport", TCP));
      String sent = origin();
      assertTrue(sent.startsWith("SETUP rtsp://127.0.0.1:1/test/stream=0 "), sent);
      originAnswers("Session: S1;timeout=60\r\nTransport: " + TCP + "\r\n");
      String answer = ch.answers();
      assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
      keepAliveIsServed();
    }

    @Override
    void keepAliveIsServed() {
      super.keepAliveIsServed();
      assertTrue(ch.isActive());
    }
  }

  @Test
  void aKeepAliveBeforeTheLinksEndIsServedAndTheFirstAfterItEndsTheSession() throws Exception {
    long end = clock.instant().getEpochSecond() + 300;
    Playing p = new Playing(end);
    clock.advance(Duration.ofSeconds(200));
    p.keepAliveIsServed();
    int failedLogons = audited("logon failed").size();

    clock.advance(Duration.ofSeconds(101)); // past ah_exp
    int asked = ++p.cseq;
    p.ch.send(RtspHandlersTest.request("GET_PARAMETER", CAM + "/", asked, "Session", "S1"));
    String answer = p.ch.answers();
    assertTrue(answer.matches("(?s)RTSP/1\\.0 403 .*"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: " + asked + "\r\n"), answer);
    assertFalse(p.ch.isActive(), "the session does not outlive its link");
    assertEquals("", p.origin(), "nothing refused reaches the origin");
    List<EventRecord> expired =
        audited("the token of TESTHOST\\", "carol from plug-in 'signed-url' expired at");
    assertFalse(expired.isEmpty(), () -> "the refusal is audited: " + audited());
    assertEquals(HResult.SEC_E_CONTEXT_EXPIRED, expired.get(expired.size() - 1).hresult());
    assertEquals(
        failedLogons, audited("logon failed").size(), "an expired link is no failed logon");
  }

  @Test
  void aPlayInTheSessionAfterTheLinksEndIsRefused() throws Exception {
    Playing p = new Playing(clock.instant().getEpochSecond() + 60);
    clock.advance(Duration.ofSeconds(61));
    int asked = ++p.cseq;
    p.ch.send(RtspHandlersTest.request("PLAY", CAM + "/", asked, "Session", "S1"));
    String answer = p.ch.answers();
    assertTrue(answer.matches("(?s)RTSP/1\\.0 403 .*"), answer);
    assertFalse(p.ch.isActive());
    assertEquals("", p.origin());
  }
}
