package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The {@code uri} must name the request target (RFC 7616 §3.4.6). */
class RequestUrisTest {
  private static final String HOST = "media.example:8080";

  @Test
  void theSameString() {
    assertTrue(RequestUris.names("/dir/index.html?x=1", "/dir/index.html?x=1", HOST));
    assertTrue(
        RequestUris.names("rtsp://cam/live", "rtsp://cam/live", null), "RTSP: always absolute");
    assertTrue(RequestUris.names("*", "*", HOST));
  }

  @Test
  void anAbsoluteTargetAndThePathForm() {
    assertTrue(RequestUris.names("/dir/a?q", "http://media.example:8080/dir/a?q", HOST));
    assertTrue(RequestUris.names("/", "http://media.example:8080", HOST), "an empty path is /");
    assertTrue(RequestUris.names("/?q", "http://media.example?q", HOST));
    assertFalse(RequestUris.names("/dir/b", "http://media.example:8080/dir/a", HOST));
  }

  @Test
  void anAbsoluteUriForAPathTargetMustNameThisHost() {
    assertTrue(RequestUris.names("http://media.example:8080/dir/a", "/dir/a", HOST));
    assertTrue(
        RequestUris.names("https://MEDIA.example:8080/dir/a", "/dir/a", HOST),
        "host is case-insensitive");
    assertFalse(RequestUris.names("http://other.example/dir/a", "/dir/a", HOST));
    assertFalse(RequestUris.names("http://media.example:8080/dir/a", "/dir/a", null));
    assertFalse(RequestUris.names("http://media.example:8080/dir/a?", "/dir/a", HOST));
  }

  @Test
  void otherRequestsOrPartsDoNotMatch() {
    assertFalse(RequestUris.names("/dir/a", "/dir/a?q=1", HOST), "old IE's uri without the query");
    assertFalse(RequestUris.names("/dir/A", "/dir/a", HOST), "paths are case-sensitive");
    assertFalse(RequestUris.names("/dir/a", "/dir/a/", HOST));
    assertFalse(RequestUris.names("//media.example:8080/dir/a", "/dir/a", HOST), "not a scheme");
    assertFalse(
        RequestUris.names("http://a/x", "http://b/x", HOST), "two different absolute forms");
  }

  // --- RTSP: what clients actually hash, against what they sent on the request line ---

  private static final String CAM = "rtsp://127.0.0.1:8554/cam";

  @Test
  void rtspTheRequestUrlItsPathAndTheOtherSlash() {
    assertTrue(RequestUris.namesRtsp(CAM, CAM, "DESCRIBE"), "ffmpeg, GStreamer");
    assertTrue(RequestUris.namesRtsp("/cam", CAM, "DESCRIBE"), "Bosch BVMS: a relative path");
    assertTrue(RequestUris.namesRtsp("*", "*", "OPTIONS"));
    assertTrue(
        RequestUris.namesRtsp(CAM + "/", CAM, "PLAY"), "live555: its base URL for aggregate PLAY");
    assertTrue(RequestUris.namesRtsp(CAM, CAM + "/", "PLAY"));
    assertTrue(RequestUris.namesRtsp("/cam/", CAM, "PLAY"));
  }

  @Test
  void rtspSetupMayHashTheAggregateUrlOfItsTrack() {
    String track = CAM + "/trackID=1";
    assertTrue(RequestUris.namesRtsp(track, track, "SETUP"));
    assertTrue(RequestUris.namesRtsp(CAM + "/", track, "SETUP"), "VLC: the base URL");
    assertTrue(RequestUris.namesRtsp(CAM, track, "SETUP"), "HappyTime: without the slash");
    assertTrue(RequestUris.namesRtsp("/cam/", track, "SETUP"), "relative base");
    assertTrue(
        RequestUris.namesRtsp("rtsp://h/live?token=t", "rtsp://h/live?token=t/trackID=0", "SETUP"),
        "a control appended to a base URL with a query");
    assertFalse(
        RequestUris.namesRtsp(CAM + "/", track, "PLAY"), "the base for a track: SETUP only");
    assertFalse(RequestUris.namesRtsp("rtsp://127.0.0.1:8554/", track, "SETUP"), "one level only");
    assertTrue(RequestUris.namesRtsp(CAM + "/", CAM + "/stream=0", "SETUP"), "GStreamer's server");
    assertTrue(RequestUris.namesRtsp(CAM, CAM + "/streamid=1", "SETUP"), "ffmpeg's server");
    assertTrue(RequestUris.namesRtsp(CAM, CAM + "/track2", "SETUP"));
  }

  @Test
  void rtspSetupsBaseUrlCoversATracksControlAndNothingElse() {
    // A query after the last segment would go unhashed: the response must name it.
    assertFalse(
        RequestUris.namesRtsp("rtsp://h/cam", "rtsp://h/cam/x?token=abc", "SETUP"),
        "the query is not covered by the base URL");
    assertFalse(RequestUris.namesRtsp("/cam", "rtsp://h/cam/x?token=abc", "SETUP"));
    assertFalse(
        RequestUris.namesRtsp("rtsp://h/cam", "rtsp://h/cam/trackID=0?token=abc", "SETUP"),
        "a control with a query of its own");
    assertTrue(
        RequestUris.namesRtsp("rtsp://h/cam/x?token=abc", "rtsp://h/cam/x?token=abc", "SETUP"),
        "named in full it is fine");
    // Another resource below the base is no track of it.
    assertFalse(RequestUris.namesRtsp(CAM + "/", CAM + "/other", "SETUP"));
    assertFalse(RequestUris.namesRtsp(CAM, CAM + "/trackID=", "SETUP"));
    assertFalse(RequestUris.namesRtsp(CAM, CAM + "/trackID=0x", "SETUP"));
  }

  @Test
  void rtspOtherStreamsHostsAndPortsDoNotMatch() {
    assertFalse(RequestUris.namesRtsp("rtsp://127.0.0.1:8554/other", CAM, "DESCRIBE"));
    assertFalse(RequestUris.namesRtsp("rtsp://10.0.0.1:8554/cam", CAM, "DESCRIBE"));
    assertFalse(RequestUris.namesRtsp("rtsp://127.0.0.1:554/cam", CAM, "DESCRIBE"));
    assertFalse(RequestUris.namesRtsp("/other", CAM, "DESCRIBE"));
    assertFalse(RequestUris.namesRtsp("/cam", "*", "OPTIONS"));
    assertFalse(RequestUris.namesRtsp("rtsp://127.0.0.1:8554/other/", CAM + "/trackID=1", "SETUP"));
  }
}
