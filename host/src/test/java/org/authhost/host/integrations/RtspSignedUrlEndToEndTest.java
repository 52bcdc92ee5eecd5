package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.RtspOrigin;
import org.authhost.host.testing.SignedLinks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed {@code rtsp://} URL played by ffprobe through the host's RTSP front against a real
 * origin (GStreamer's RTSP server): the signature travels in the URL's query, the signed-URL
 * plug-in checks it as for an HTTP client. Here: an expired one is refused; a valid one played, and
 * the origin never receiving the signature, is {@code RtspEndToEndTest}'s.
 */
class RtspSignedUrlEndToEndTest {
  static final Duration BOUND = Duration.ofSeconds(60);
  private static final String K1 = "k1-0123456789abcdef0123456789abcdef";
  @TempDir static Path root;

  static RtspOrigin origin;
  static StreamingHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    origin = RtspHost.origin(root);
    Path keys = Files.createDirectories(root.resolve("keys")).resolve("signed-url.keys");
    Files.writeString(keys, "k1=" + K1 + "\n");
    host =
        RtspHost.start(
            root,
            """
            "signed-url": { "capabilities": ["token-without-credential"],
              "properties": { "account": "carol", "keysFile": "%s" } }
            """
                .formatted(keys.toString().replace("\\", "\\\\")),
            RtspHost.LENIENT_LOCKOUT,
            RtspHost.cam(origin.port(), "\"signed-url\"", "carol"),
            List.of("authhost-plugin-signed-url.jar"),
            List.of("carol"));
    port = RtspHost.rtspPort(host);
  }

  @AfterAll
  static void stop() throws Exception {
    RtspHost.stop(host, origin);
  }

  static String signed(String prefix, long expires) throws Exception {
    return SignedLinks.query("k1", K1, prefix, expires, null);
  }

  static BoundedProcess.Exit ffprobe(String url) throws Exception {
    return BoundedProcess.run(
        root,
        BOUND,
        List.of(
            "ffprobe",
            "-v",
            "error",
            "-rtsp_transport",
            "tcp",
            "-show_entries",
            "stream=codec_type",
            "-of",
            "csv=p=0",
            url));
  }

  @Test
  void anExpiredSignedRtspUrlIsRefused() throws Exception {
    String url =
        "rtsp://127.0.0.1:"
            + port
            + "/cam/test?"
            + signed("/cam/", Instant.now().getEpochSecond() - 60);
    BoundedProcess.Exit run = ffprobe(url);
    assertNotEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("403"), run.output());
  }
}
