package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.StreamingTools;

/** ffmpeg as an RTMP encoder and player against a private nginx-rtmp in front of a host. */
final class RtmpFfmpeg {
  /** A publish that, accepted, would run far longer than any refusal takes. */
  static final int LONG_SECONDS = 30;

  private RtmpFfmpeg() {}

  /**
   * ffmpeg publishing a test pattern to {@code url} for {@code seconds}, in real time, from dir.
   */
  static BoundedProcess publish(Path dir, String url, int seconds) throws Exception {
    return ffmpeg(
        dir,
        "warning",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=160x120:rate=10",
        "-t",
        Integer.toString(seconds),
        "-c:v",
        "libx264",
        "-g",
        "10",
        "-f",
        "flv",
        url);
  }

  /** ffmpeg playing {@code frames} frames of a stream and throwing them away. */
  static BoundedProcess play(Path dir, String url, int frames) throws Exception {
    return ffmpeg(dir, "info", "-i", url, "-frames:v", Integer.toString(frames), "-f", "null", "-");
  }

  private static BoundedProcess ffmpeg(Path dir, String logLevel, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            StreamingTools.ffmpeg().toString(), "-nostdin", "-hide_banner", "-loglevel", logLevel));
    command.addAll(List.of(args));
    return BoundedProcess.start(dir, Map.of(), command);
  }

  /** What a failed assertion shows: ffmpeg's output, nginx's error log and the host's audit. */
  static String context(BoundedProcess.Exit exit, PrivateNginx nginx, StreamingHost host) {
    return exit.output() + "\nnginx:\n" + nginx.errorLog() + "\naudit: " + host.audited();
  }

  /**
   * Waits for a {@link #LONG_SECONDS} publish to fail, and asserts it failed when it connected, not
   * at its end.
   */
  static void assertRefusedWhenItConnects(
      BoundedProcess publisher, PrivateNginx nginx, StreamingHost host) throws Exception {
    BoundedProcess.Exit refused = publisher.awaitExit(Duration.ofSeconds(LONG_SECONDS));
    assertNotEquals(0, refused.status(), context(refused, nginx, host));
    assertTrue(
        refused.took().compareTo(Duration.ofSeconds(LONG_SECONDS - 10)) < 0,
        "refused when it connects, not at the end: " + refused.took());
  }
}
