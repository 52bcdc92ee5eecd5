package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.ChallengeTap;
import org.authhost.host.testing.OidcProvider;
import org.authhost.host.testing.RtspOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens through the RTSP front, against a real origin (GStreamer's RTSP server) and with
 * tokens from a real OpenID provider: {@code Authorization: Bearer} on every RTSP request (a raw
 * client: players cannot set that header), and the token in the URL the operator names ({@code
 * ?access_token=}) played by ffprobe and ffmpeg. The origin, behind a tap that keeps what it was
 * sent, never receives the token, in a header or in a URL, and no event shows it.
 */
class RtspBearerEndToEndTest {
  static final Duration BOUND = Duration.ofSeconds(60);
  static final Duration TTL = Duration.ofSeconds(600);
  static final OidcProvider.Client ALICE =
      new OidcProvider.Client("rtsp-alice", "alice-secret", "{\"preferred_username\":\"alice\"}");
  static final OidcProvider.Client BOB =
      new OidcProvider.Client("rtsp-bob", "bob-secret", "{\"preferred_username\":\"bob\"}");

  @TempDir static Path root;
  static OidcProvider provider;
  static RtspOrigin origin;
  static ChallengeTap originTap;
  static StreamingHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    RtspOrigin.requireTools();
    provider =
        OidcProvider.start(
            root,
            OidcProvider.freePort(),
            List.of(OidcProvider.rsaKey("k1")),
            TTL,
            List.of(ALICE, BOB));
    origin = RtspHost.origin(root);
    originTap = ChallengeTap.to(origin.port());
    host =
        RtspHost.start(
            root,
            """
            "bearer": { "enabled": true, "capabilities": ["token-without-credential"],
              "urlCredentials": ["access_token"],
              "properties": { "realm": "media", "issuer": "%s", "audience": "%s" } }
            """
                .formatted(provider.issuer(), OidcProvider.AUDIENCE),
            RtspHost.LENIENT_LOCKOUT,
            RtspHost.cam(originTap.port(), "\"bearer\"", "alice"),
            List.of("authhost-plugin-bearer.jar"),
            List.of("alice", "bob"));
    port = RtspHost.rtspPort(host);
  }

  @AfterAll
  static void stop() throws Exception {
    RtspHost.stop(host, originTap, origin, provider);
  }

  static String base() {
    return "rtsp://127.0.0.1:" + port + "/cam/test";
  }

  /** The origin was never sent the token (nor its signature alone), and no event shows it. */
  static void assertNeverForwardedNorLogged(String token) {
    String signature = token.substring(token.lastIndexOf('.') + 1);
    String sent = originTap.sent();
    assertFalse(sent.contains(signature), "the origin was sent the token: " + sent);
    assertFalse(sent.contains("access_token"), sent);
    assertFalse(sent.contains("Bearer"), sent);
    for (EventRecord e : host.host().eventLog().query(EventQuery.all())) {
      assertFalse(e.text().contains(signature), "the token leaked into an event: " + e);
    }
  }

  /**
   * A raw client sends {@code Authorization: Bearer} on DESCRIBE, SETUP and PLAY, as RFC 6750 asks
   * of every request: the stream flows, the audit names alice and the Bearer protocol.
   */
  @Test
  void aRawClientWithTheBearerHeaderOnEveryRequestPlays() throws Exception {
    String token = provider.token(ALICE);
    String bearer = "Bearer " + token;
    try (RtspEndToEndTest.RawRtsp c = new RtspEndToEndTest.RawRtsp(port, null, null)) {
      RtspEndToEndTest.RawRtsp.Answer describe =
          c.send("DESCRIBE", base(), bearer, "Accept: application/sdp");
      assertEquals(200, describe.status(), describe.head());
      RtspEndToEndTest.RawRtsp.Answer setup =
          c.send(
              "SETUP",
              base() + "/stream=0",
              bearer,
              "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
      assertEquals(200, setup.status(), setup.head());
      String session = setup.header("session").split(";")[0].strip();
      RtspEndToEndTest.RawRtsp.Answer play =
          c.send("PLAY", base() + "/", bearer, "Session: " + session);
      assertEquals(200, play.status(), play.head());
      c.awaitFrames(10);
    }
    assertFalse(
        host.awaitAudited(BOUND, "logon succeeded", "alice", "protocol=Bearer", "point=cam")
            .isEmpty(),
        String.valueOf(host.audit()));
    assertTrue(originTap.sent().contains("PLAY "), originTap.sent());
    assertNeverForwardedNorLogged(token);
  }

  /**
   * Without a token: 401 with the Bearer challenge of RFC 6750. A token for another audience: 401
   * {@code invalid_token}. A valid token for an account the ACL does not name: 403.
   */
  @Test
  void aMissingOrBadTokenIsChallengedAndAnotherAccountIsForbidden() throws Exception {
    try (RtspEndToEndTest.RawRtsp c = new RtspEndToEndTest.RawRtsp(port, null, null)) {
      RtspEndToEndTest.RawRtsp.Answer bare =
          c.send("DESCRIBE", base(), null, "Accept: application/sdp");
      assertEquals(401, bare.status(), bare.head());
      assertTrue(bare.header("www-authenticate").startsWith("Bearer realm=\"media\""), bare.head());

      String other = provider.token(ALICE, "urn:another:api");
      RtspEndToEndTest.RawRtsp.Answer wrongAudience =
          c.send("DESCRIBE", base(), "Bearer " + other, "Accept: application/sdp");
      assertEquals(401, wrongAudience.status(), wrongAudience.head());
      assertTrue(
          wrongAudience.header("www-authenticate").contains("error=\"invalid_token\""),
          wrongAudience.head());

      String bob = provider.token(BOB);
      RtspEndToEndTest.RawRtsp.Answer forbidden =
          c.send("DESCRIBE", base(), "Bearer " + bob, "Accept: application/sdp");
      assertEquals(403, forbidden.status(), forbidden.head());
      assertNeverForwardedNorLogged(other);
      assertNeverForwardedNorLogged(bob);
    }
  }

  /**
   * The token in the URL ({@code urlCredentials}): ffprobe and ffmpeg take it in the {@code
   * rtsp://} URL; their later requests (SETUP, PLAY) are made from the origin's Content-Base
   * without it and are served on the connection's logon. The origin sees the rest of the query,
   * never the token.
   */
  @Test
  void ffprobeAndFfmpegPlayWithTheTokenInTheUrl() throws Exception {
    String token = provider.token(ALICE);
    String url = base() + "?keep=1&access_token=" + token;
    int before = host.audited("logon succeeded", "alice", "protocol=Bearer").size();
    BoundedProcess.Exit probe =
        BoundedProcess.run(
            root,
            BOUND,
            List.of(
                "ffprobe",
                "-v",
                "error",
                "-rtsp_transport",
                "tcp",
                "-show_entries",
                "stream=codec_name",
                url));
    assertEquals(0, probe.status(), probe.output());
    assertTrue(probe.output().contains("codec_name=h264"), probe.output());
    BoundedProcess.Exit play =
        BoundedProcess.run(
            root,
            BOUND,
            List.of(
                "ffmpeg",
                "-nostdin",
                "-v",
                "info",
                "-rtsp_transport",
                "tcp",
                "-i",
                url,
                "-frames:v",
                "25",
                "-f",
                "null",
                "-"));
    assertEquals(0, play.status(), play.output());
    assertTrue(RtspEndToEndTest.frames(play.output()) >= 25, play.output());
    String sent = originTap.sent();
    assertTrue(
        sent.contains("DESCRIBE rtsp://127.0.0.1:" + originTap.port() + "/test?keep=1 "), sent);
    assertTrue(
        host.awaitMoreAudited(before, BOUND, "logon succeeded", "alice", "protocol=Bearer").size()
            >= before + 2,
        "ffprobe and ffmpeg each logged on by the URL token: " + host.audit());
    assertNeverForwardedNorLogged(token);

    BoundedProcess.Exit refused =
        BoundedProcess.run(
            root,
            BOUND,
            List.of(
                "ffprobe",
                "-v",
                "error",
                "-rtsp_transport",
                "tcp",
                base() + "?access_token=" + provider.token(ALICE, "urn:another:api")));
    assertNotEquals(0, refused.status(), refused.output());
    assertTrue(refused.output().contains("401"), refused.output());
  }
}
