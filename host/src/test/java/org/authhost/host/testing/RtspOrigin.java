package org.authhost.host.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real RTSP origin for end-to-end tests: GStreamer's RTSP server through Debian's {@code
 * /usr/bin/python3} and PyGObject ({@code samples/rtsp-origin/origin.py}, the one the distribution
 * ships for README's "Try it"), on a loopback port it picks itself, with a live H.264 test pattern
 * at {@code /test} and a RECORD mount at {@code /publish}; optionally demanding Digest credentials
 * of its own. Stopped by its PID (SIGTERM, then SIGKILL after a bound), or by a shutdown hook if
 * the JVM ends first. Missing packages skip the test with their names, or fail it with {@code
 * AUTHHOST_REQUIRE_RTSP=1} (as CI sets it).
 */
public final class RtspOrigin implements AutoCloseable {
  public static final String REQUIRE = "AUTHHOST_REQUIRE_RTSP";
  public static final String PACKAGES =
      "gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-good gstreamer1.0-plugins-bad"
          + " gstreamer1.0-plugins-ugly gstreamer1.0-rtsp gstreamer1.0-tools ffmpeg";
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Duration START_BOUND = Duration.ofSeconds(20);
  private static final Pattern READY = Pattern.compile("ready (\\d+)");
  private static final Path SCRIPT =
      Path.of(System.getProperty("authhost.test.rtspOrigin", "../samples/rtsp-origin/origin.py"));

  private final Process process;
  private final Path output;
  private final Thread killAtExit;
  private final int port;

  private RtspOrigin(Process process, Path output, int port) {
    this.process = process;
    this.output = output;
    this.port = port;
    this.killAtExit = new Thread(process::destroyForcibly, "kill RTSP origin");
    Runtime.getRuntime().addShutdownHook(killAtExit);
  }

  /** Skips (or, with {@link #REQUIRE}, fails) unless the origin and the clients can run here. */
  public static void requireTools() throws Exception {
    String missing = null;
    if (!Files.isExecutable(PYTHON)) {
      missing = "/usr/bin/python3";
    } else {
      Process check =
          new ProcessBuilder(
                  PYTHON.toString(),
                  "-c",
                  "import gi; gi.require_version('GstRtspServer', '1.0');"
                      + " from gi.repository import GstRtspServer")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
        check.destroyForcibly();
        missing = "GStreamer's RTSP server for Python (gi, GstRtspServer)";
      }
    }
    for (String tool : List.of("ffmpeg", "ffprobe", "gst-launch-1.0")) {
      if (missing == null && !Files.isExecutable(Path.of("/usr/bin", tool))) {
        missing = tool;
      }
    }
    if (missing == null) {
      return;
    }
    String message = missing + " is not installed; apt-get install " + PACKAGES;
    if ("1".equals(System.getenv(REQUIRE))) {
      Assertions.fail(message + " (" + REQUIRE + "=1: this test may not be skipped)");
    }
    Assumptions.abort(message);
  }

  /** An origin without credentials of its own. */
  public static RtspOrigin start(Path dir) throws Exception {
    return start(dir, null, null);
  }

  /** An origin that demands Digest for {@code user} and {@code password} (null: none). */
  public static RtspOrigin start(Path dir, String user, String password) throws Exception {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), "0"));
    if (user != null) {
      command.add(user);
      command.add(password);
    }
    Path output = Files.createTempFile(dir, "origin-", ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    long end = System.nanoTime() + START_BOUND.toNanos();
    while (System.nanoTime() < end && process.isAlive()) {
      Matcher m = READY.matcher(Files.readString(output));
      if (m.find()) {
        return new RtspOrigin(process, output, Integer.parseInt(m.group(1)));
      }
      Thread.sleep(20); // a poll of the origin's own "ready" line: that is the event waited for
    }
    process.destroyForcibly();
    throw new AssertionError("the RTSP origin did not start: " + Files.readString(output));
  }

  public int port() {
    return port;
  }

  public String output() throws IOException {
    return Files.readString(output);
  }

  @Override
  public void close() throws Exception {
    process.destroy(); // SIGTERM: the origin's main loop quits
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killAtExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
