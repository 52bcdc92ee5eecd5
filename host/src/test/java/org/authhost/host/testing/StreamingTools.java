package org.authhost.host.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The streaming servers and clients the integration tests run for real: nginx, its RTMP module,
 * ffmpeg and ffprobe, found where Debian installs them. A missing one skips the test with the
 * package to install; with {@code AUTHHOST_REQUIRE_STREAMING=1} (as CI sets it) it fails instead,
 * so that CI cannot go green by skipping — as {@link ThrowawayKdc} does for Kerberos.
 */
public final class StreamingTools {
  public static final String REQUIRE = "AUTHHOST_REQUIRE_STREAMING";

  private static final List<String> SEARCH =
      List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin");

  /** Where Debian's libnginx-mod-rtmp puts the module (the second is the modules path's link). */
  private static final List<Path> RTMP_MODULE =
      List.of(
          Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so"),
          Path.of("/usr/share/nginx/modules/ngx_rtmp_module.so"));

  private StreamingTools() {}

  public static Path nginx() {
    return require(executable("nginx"), "nginx", "nginx");
  }

  public static Path rtmpModule() {
    return require(
        RTMP_MODULE.stream().filter(Files::isReadable).findFirst(),
        "nginx's RTMP module (" + RTMP_MODULE.get(0) + ")",
        "libnginx-mod-rtmp");
  }

  public static Path ffmpeg() {
    return require(executable("ffmpeg"), "ffmpeg", "ffmpeg");
  }

  public static Path ffprobe() {
    return require(executable("ffprobe"), "ffprobe", "ffmpeg");
  }

  /**
   * Makes a two-second VOD HLS rendition of ffmpeg's test pattern in {@code dir} ({@code
   * index.m3u8} and its one-second segments), encoded with {@code codec}; ffmpeg runs in {@code
   * workDirectory}. The caller checks the exit.
   */
  public static BoundedProcess.Exit makeHlsRendition(Path workDirectory, Path dir, String codec)
      throws Exception {
    return BoundedProcess.run(
        workDirectory,
        Duration.ofSeconds(60),
        List.of(
            ffmpeg().toString(),
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=10",
            "-t",
            "2",
            "-c:v",
            codec,
            "-g",
            "10",
            "-hls_time",
            "1",
            "-hls_playlist_type",
            "vod",
            "-f",
            "hls",
            dir.resolve("index.m3u8").toString()));
  }

  public static Path curl() {
    return require(executable("curl"), "curl", "curl");
  }

  private static Path require(Optional<Path> found, String what, String debianPackage) {
    return require(found, what, debianPackage, System.getenv(REQUIRE));
  }

  /** The tool found, or: a skip naming the package, or with {@code requireValue} "1" a failure. */
  static Path require(
      Optional<Path> found, String what, String debianPackage, String requireValue) {
    if (found.isPresent()) {
      return found.get();
    }
    String message = what + " is not installed; apt-get install " + debianPackage;
    if ("1".equals(requireValue)) {
      Assertions.fail(message + " (" + REQUIRE + "=1: this test may not be skipped)");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static Optional<Path> executable(String tool) {
    List<String> dirs = new ArrayList<>(SEARCH);
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, tool))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
