package org.authhost.plugins.digest;

import static org.authhost.api.AuthenticationResult.CONTINUE;
import static org.authhost.api.AuthenticationResult.DENIED;
import static org.authhost.api.AuthenticationResult.SUCCESS;
import static org.authhost.plugins.digest.FakeRequest.rtsp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.authhost.api.HResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RTSP clients against the plug-in, with the exact headers ffmpeg, live555 (VLC) and GStreamer send
 * ({@link RtspClients}) over a whole session: OPTIONS, DESCRIBE, SETUP, PLAY, keep-alives. RTSP
 * clients send {@code Authorization} on every request, so every request is checked.
 */
class RtspDigestTest {
  private static final String CAM = "rtsp://127.0.0.1:8554/cam";
  private static final String TRACK = CAM + "/trackID=0";
  private static final String USER = "Mufasa";
  private static final String PASSWORD = "Circle of Life";

  @TempDir Path data;

  private PluginHarness start(String... namedValues) {
    return new PluginHarness(data, namedValues);
  }

  /** The challenges of an RTSP request without credentials, on {@code connection}. */
  private static List<String> challenges(PluginHarness h, long connection) {
    PluginHarness.Answer a = h.sendAndRelease(null, rtsp("DESCRIBE", CAM, connection, 1));
    assertEquals(CONTINUE, a.result());
    return a.lines();
  }

  @Test
  void theRtspChallengePutsMd5LastWithRealmThenNonceFirstInEachLine() {
    PluginHarness h = start("algorithms", "MD5,SHA-256");
    List<String> rtsp = challenges(h, 1);
    assertEquals(2, rtsp.size());
    assertTrue(rtsp.get(0).contains(", algorithm=SHA-256, "), rtsp.get(0));
    assertTrue(rtsp.get(1).contains(", algorithm=MD5, "), "ffmpeg takes the last: " + rtsp);
    for (String line : rtsp) {
      assertTrue(line.matches("realm=\"AuthHost\", nonce=\"[A-Za-z0-9_-]{54}\", .*"), line);
    }
    // HTTP keeps the configured order (browsers and curl take the first they support).
    List<String> http = h.challenges();
    assertTrue(http.get(0).contains(", algorithm=MD5, "), http.get(0));
  }

  @Test
  void ffmpegWithQopAndACountOnEveryRequestThenAReplayIsRefused() {
    PluginHarness h = start();
    RtspClients.Ffmpeg ffmpeg = new RtspClients.Ffmpeg(USER, PASSWORD).challenged(challenges(h, 1));
    String[][] session = {
      {"OPTIONS", CAM},
      {"DESCRIBE", CAM},
      {"SETUP", TRACK},
      {"PLAY", CAM + "/"},
      {"GET_PARAMETER", CAM + "/"}
    };
    String describe = null;
    int cseq = 2;
    for (String[] request : session) {
      String header = ffmpeg.header(request[0], request[1]);
      assertNotNull(header, "ffmpeg found an MD5 challenge it can answer");
      assertTrue(header.contains(",qop=\"auth\",cnonce=\""), header);
      if (request[0].equals("DESCRIBE")) {
        describe = header;
      }
      PluginHarness.Answer a = h.sendAndRelease(header, rtsp(request[0], request[1], 1, cseq++));
      assertEquals(SUCCESS, a.result(), request[0] + ": " + a.blob());
    }
    PluginHarness.Answer replay = h.sendAndRelease(describe, rtsp("DESCRIBE", CAM, 1, cseq));
    assertEquals(DENIED, replay.result());
    assertFalse(replay.stale(), "a replayed count is refused as a replay, not as stale");
    assertEquals(HResult.S_FALSE, replay.hr());
    assertTrue(
        h.information().get(0).contains("nc 00000002 was already used"),
        h.information().toString());
  }

  @Test
  void vlcSendsTheRfc2069FormWithItsBaseUrlOnOneNonceForTheWholeConnection() {
    PluginHarness h = start(); // legacy=false: over RTSP the RFC 2069 form is accepted anyway
    RtspClients.Live555 vlc = new RtspClients.Live555(USER, PASSWORD, CAM);
    vlc.challenged(challenges(h, 7));
    assertEquals(
        SUCCESS, h.sendAndRelease(vlc.header("DESCRIBE"), rtsp("DESCRIBE", CAM, 7, 2)).result());
    vlc.baseUrl = CAM + "/"; // the Content-Base of the DESCRIBE answer
    FakeRequest setup = rtsp("SETUP", TRACK, 7, 3);
    assertEquals(
        SUCCESS, h.sendAndRelease(vlc.header("SETUP"), setup).result(), "base URL in SETUP");
    for (int i = 0; i < 5; i++) {
      FakeRequest play = rtsp(i == 0 ? "PLAY" : "GET_PARAMETER", CAM + "/", 7, 4 + i);
      play.header("session", "47112344;timeout=60");
      PluginHarness.Answer a = h.sendAndRelease(vlc.header(play.method()), play);
      assertEquals(SUCCESS, a.result(), "request " + i + " on the same nonce: " + a.blob());
    }
    assertTrue(h.information().isEmpty(), h.information().toString());
  }

  @Test
  void aConnectionBoundNonceFromAnotherConnectionIsStale() {
    PluginHarness h = start();
    RtspClients.Live555 vlc =
        new RtspClients.Live555(USER, PASSWORD, CAM).challenged(challenges(h, 1));
    String header = vlc.header("DESCRIBE");
    assertEquals(SUCCESS, h.sendAndRelease(header, rtsp("DESCRIBE", CAM, 1, 2)).result());

    // The same header, captured and sent on another connection: refused, benign, stale.
    PluginHarness.Answer elsewhere = h.sendAndRelease(header, rtsp("DESCRIBE", CAM, 2, 2));
    assertEquals(DENIED, elsewhere.result());
    assertTrue(elsewhere.stale(), elsewhere.blob());
    assertEquals(HResult.S_FALSE, elsewhere.hr());
    // A client that knows the password simply answers the fresh nonce on its own connection...
    RtspClients.Live555 second =
        new RtspClients.Live555(USER, PASSWORD, CAM).challenged(elsewhere.lines());
    assertEquals(
        SUCCESS, h.sendAndRelease(second.header("DESCRIBE"), rtsp("DESCRIBE", CAM, 2, 3)).result());
    // ... and the first connection keeps its own.
    assertEquals(SUCCESS, h.sendAndRelease(header, rtsp("DESCRIBE", CAM, 1, 3)).result());
  }

  @Test
  void aConnectionBoundNonceIsForOneAccountAndOneSession() {
    PluginHarness h = start();
    h.server.passwords.put("Scar", "Long live the king");
    List<String> challenges = challenges(h, 1);
    RtspClients.Gstreamer mufasa = new RtspClients.Gstreamer(USER, PASSWORD).challenged(challenges);
    RtspClients.Gstreamer scar =
        new RtspClients.Gstreamer("Scar", "Long live the king").challenged(challenges);
    assertEquals(
        SUCCESS,
        h.sendAndRelease(mufasa.header("DESCRIBE", CAM), rtsp("DESCRIBE", CAM, 1, 2)).result());
    PluginHarness.Answer other =
        h.sendAndRelease(scar.header("DESCRIBE", CAM), rtsp("DESCRIBE", CAM, 1, 3));
    assertEquals(DENIED, other.result(), "another account on the same connection and nonce");
    assertTrue(other.stale());

    FakeRequest play = rtsp("PLAY", CAM, 1, 4).header("session", "A1");
    assertEquals(SUCCESS, h.sendAndRelease(mufasa.header("PLAY", CAM), play).result());
    FakeRequest again = rtsp("PLAY", CAM, 1, 5).header("session", "A1");
    assertEquals(SUCCESS, h.sendAndRelease(mufasa.header("PLAY", CAM), again).result());
    FakeRequest otherSession = rtsp("PLAY", CAM, 1, 6).header("session", "B2");
    PluginHarness.Answer b = h.sendAndRelease(mufasa.header("PLAY", CAM), otherSession);
    assertEquals(DENIED, b.result(), "the nonce is bound to the session it was first used in");
    assertTrue(b.stale(), "the client retries on a fresh nonce");
  }

  @Test
  void gstreamerAndARelativeUriAreCheckedAgainstTheRequestLine() {
    PluginHarness h = start();
    RtspClients.Gstreamer gst =
        new RtspClients.Gstreamer(USER, PASSWORD).challenged(challenges(h, 3));
    assertEquals(
        SUCCESS,
        h.sendAndRelease(gst.header("DESCRIBE", CAM), rtsp("DESCRIBE", CAM, 3, 2)).result());
    // Bosch BVMS: the path alone.
    assertEquals(
        SUCCESS,
        h.sendAndRelease(gst.header("SETUP", "/cam/trackID=0"), rtsp("SETUP", TRACK, 3, 3))
            .result());
    // Another stream's URL for this request line: refused, whatever the digest.
    PluginHarness.Answer wrong =
        h.sendAndRelease(
            gst.header("DESCRIBE", "rtsp://127.0.0.1:8554/other"), rtsp("DESCRIBE", CAM, 3, 4));
    assertEquals(DENIED, wrong.result());
    assertEquals(
        List.of(
            "Digest response from 192.0.2.7 refused: uri 'rtsp://127.0.0.1:8554/other' does not"
                + " name the request target '"
                + CAM
                + "'"),
        h.information());
  }

  @Test
  void aWrongPasswordOverRtspIsAFailedLogonNotStale() {
    PluginHarness h = start();
    RtspClients.Live555 vlc =
        new RtspClients.Live555(USER, "wrong", CAM).challenged(challenges(h, 1));
    PluginHarness.Answer a = h.sendAndRelease(vlc.header("DESCRIBE"), rtsp("DESCRIBE", CAM, 1, 2));
    assertEquals(DENIED, a.result());
    assertFalse(a.stale());
    assertEquals(HResult.S_OK, a.hr(), "a guess at the password: the host audits a failed logon");
    assertEquals(0, h.server.state.count("conn/"), "a wrong digest binds nothing");
  }

  /** The nonce all of {@code challenges} share. */
  private static String nonce(List<String> challenges) {
    List<String> nonces =
        challenges.stream().map(line -> RtspClients.params(line).get("nonce")).distinct().toList();
    assertEquals(1, nonces.size(), challenges.toString());
    return nonces.get(0);
  }

  /**
   * GStreamer's rtspsrc sends its password again on every 401: challenged again on the nonce it
   * answered, its retry is the same octets (which the host counts as one guess), refused as a
   * failed logon each time, and the right password on that nonce is checked and bound as ever.
   */
  @Test
  void aWrongRfc2069PasswordOverRtspIsChallengedAgainOnTheSameNonce() {
    PluginHarness h = start();
    List<String> first = challenges(h, 1);
    RtspClients.Gstreamer gst = new RtspClients.Gstreamer(USER, "wrong").challenged(first);
    String header = gst.header("OPTIONS", CAM);
    PluginHarness.Answer refused = h.sendAndRelease(header, rtsp("OPTIONS", CAM, 1, 2));
    assertEquals(DENIED, refused.result());
    assertFalse(refused.stale());
    assertEquals(HResult.S_OK, refused.hr(), "still a failed logon");
    assertEquals(nonce(first), nonce(refused.lines()));

    gst.challenged(refused.lines());
    assertEquals(header, gst.header("OPTIONS", CAM), "the retry is the same octets");
    PluginHarness.Answer again = h.sendAndRelease(header, rtsp("OPTIONS", CAM, 1, 3));
    assertEquals(DENIED, again.result());
    assertEquals(HResult.S_OK, again.hr());
    assertEquals(nonce(first), nonce(again.lines()));

    RtspClients.Gstreamer right =
        new RtspClients.Gstreamer(USER, PASSWORD).challenged(again.lines());
    String good = right.header("OPTIONS", CAM);
    assertEquals(SUCCESS, h.sendAndRelease(good, rtsp("OPTIONS", CAM, 1, 4)).result());
    PluginHarness.Answer captured = h.sendAndRelease(good, rtsp("OPTIONS", CAM, 2, 4));
    assertTrue(captured.stale(), "the kept nonce is bound to its connection as any other");
  }

  /** Only the RFC 2069 form over RTSP keeps its nonce, and only while the nonce is fresh. */
  @Test
  void otherWrongResponsesAreChallengedOnAFreshNonce() {
    PluginHarness h = start("nonceLifetimeSeconds", "60");
    List<String> first = challenges(h, 1);
    RtspClients.Ffmpeg ffmpeg = new RtspClients.Ffmpeg(USER, "wrong").challenged(first);
    PluginHarness.Answer qop =
        h.sendAndRelease(ffmpeg.header("DESCRIBE", CAM), rtsp("DESCRIBE", CAM, 1, 2));
    assertEquals(DENIED, qop.result());
    assertFalse(nonce(first).equals(nonce(qop.lines())), "qop: a new cnonce per try anyway");

    RtspClients.Gstreamer gst = new RtspClients.Gstreamer(USER, "wrong").challenged(first);
    h.clock.advance(java.time.Duration.ofSeconds(61));
    PluginHarness.Answer expired =
        h.sendAndRelease(gst.header("DESCRIBE", CAM), rtsp("DESCRIBE", CAM, 1, 3));
    assertEquals(DENIED, expired.result());
    assertFalse(nonce(first).equals(nonce(expired.lines())), "an expired nonce is not offered");
  }

  @Test
  void overHttpTheRfc2069FormStillSpendsItsNonceAtOnce() {
    PluginHarness h = start("legacy", "true");
    TestClient client = h.client("MD5", USER, PASSWORD);
    String header = client.header("GET", "/private/a.txt", null, 0);
    assertEquals(SUCCESS, h.sendAndRelease(header, PluginHarness.get("/private/a.txt")).result());
    PluginHarness.Answer again = h.sendAndRelease(header, PluginHarness.get("/private/a.txt"));
    assertEquals(DENIED, again.result());
    assertTrue(again.stale());
  }
}
