package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.integrations.RtspEndToEndTest.RawRtsp;
import org.authhost.host.testing.RtspOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RTSP front and its relay on Netty's NIO transport ({@code -Dauthhost.http.transport=nio}, the
 * choice where native epoll does not load): since epoll became the default, no other RTSP test runs
 * on NIO, whose client channels the relay's origin connections then take too. A real host before a
 * real origin (GStreamer's RTSP server), Digest with the distribution's plug-in, over real sockets:
 * DESCRIBE, SETUP, PLAY and frames flowing, and a wrong password refused.
 *
 * <p>The transport is chosen when a front starts, from the system property: set for this host's
 * start only, and put back at once (the test JVM runs its test classes one after the other).
 */
class RtspOnNioEndToEndTest {
  private static final String TRANSPORT = "authhost.http.transport";
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir static Path root;
  static RtspOrigin origin;
  static StreamingHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    origin = RtspHost.origin(root);
    String before = System.getProperty(TRANSPORT);
    System.setProperty(TRANSPORT, "nio");
    try {
      host =
          RtspHost.start(
              root,
              """
              "digest": { "enabled": true, "properties": {
                "realm": "AuthHost", "algorithms": "MD5" } }
              """,
              "\"accounts\": { \"digestRealms\": [\"AuthHost\"] }, " + RtspHost.LENIENT_LOCKOUT,
              RtspHost.cam(origin.port(), "\"digest\"", "alice"),
              List.of("authhost-plugin-digest.jar"),
              List.of("alice"));
    } finally {
      if (before == null) {
        System.clearProperty(TRANSPORT);
      } else {
        System.setProperty(TRANSPORT, before);
      }
    }
    port = RtspHost.rtspPort(host);
  }

  @AfterAll
  static void stop() throws Exception {
    RtspHost.stop(host, origin);
  }

  /**
   * The front names the transport whose classes made its listening and origin channels (one record,
   * {@code http/Transport}): NIO, not the default epoll.
   */
  @Test
  void theRtspFrontRunsOnNio() {
    List<String> listening =
        host.host().eventLog().query(EventQuery.all()).stream()
            .map(EventRecord::text)
            .filter(t -> t.startsWith("RTSP front listening on "))
            .toList();
    assertEquals(1, listening.size(), listening.toString());
    assertTrue(listening.get(0).contains(" (nio) rtsp:" + port), listening.get(0));
  }

  @Test
  void digestDescribeSetupAndPlayAreRelayedAndTheStreamFlows() throws Exception {
    String base = "rtsp://127.0.0.1:" + port + "/cam/test";
    try (RawRtsp alice = new RawRtsp(port, "alice", "pw-alice")) {
      RawRtsp.Answer describe = alice.authenticated("DESCRIBE", base, "Accept: application/sdp");
      assertEquals(200, describe.status(), describe.head());
      assertTrue(describe.header("content-type").startsWith("application/sdp"), describe.head());
      RawRtsp.Answer setup =
          alice.authenticated(
              "SETUP", base + "/stream=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
      assertEquals(200, setup.status(), setup.head());
      String session = setup.header("session").split(";")[0].strip();
      RawRtsp.Answer play = alice.authenticated("PLAY", base + "/", "Session: " + session);
      assertEquals(200, play.status(), play.head());
      // The origin's RTP comes back through the relay's NIO origin connection.
      alice.awaitFrames(25);
      assertTrue(alice.frames() >= 25);
    }
    assertFalse(host.awaitAudited(BOUND, "logon succeeded", "alice", "point=cam").isEmpty());
  }

  @Test
  void aWrongPasswordIsRefusedAndAudited() throws Exception {
    int before = host.audited("logon failed", "alice", "point=cam").size();
    String base = "rtsp://127.0.0.1:" + port + "/cam/test";
    try (RawRtsp wrong = new RawRtsp(port, "alice", "wrong")) {
      RawRtsp.Answer describe = wrong.authenticated("DESCRIBE", base, "Accept: application/sdp");
      assertEquals(401, describe.status(), describe.head());
      assertTrue(describe.header("www-authenticate").startsWith("Digest "), describe.head());
    }
    assertTrue(
        host.awaitMoreAudited(before, BOUND, "logon failed", "alice", "point=cam").size() > before);
  }
}
