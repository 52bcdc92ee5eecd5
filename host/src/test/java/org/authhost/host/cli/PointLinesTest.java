package org.authhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.authhost.host.config.PublishingPointConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run}'s line per publishing point (trial16: a first start's points said nothing). */
class PointLinesTest {
  @TempDir Path root;

  private static PublishingPointConfig point(
      String prefix, Path directory, URI origin, List<String> plugins) {
    return new PublishingPointConfig(
        prefix.replace("/", ""),
        prefix,
        directory,
        origin,
        plugins,
        List.of(),
        List.of(),
        List.of());
  }

  @Test
  void eachPointHasItsPlugInsAndItsFolderOrOriginAndAMissingFolderIsSaidSo() throws Exception {
    Path media = Files.createDirectories(root.resolve("var/media"));
    // As host.json's "../var/media" is resolved: from the configuration's folder.
    Files.createDirectories(root.resolve("config"));
    Path missing = root.resolve("var/private");

    List<String> lines =
        PointLines.of(
            List.of(
                point("/vod/", root.resolve("config/../var/media"), null, List.of()),
                point("/private/", missing, null, List.of("digest", "ntlm", "basic")),
                point(
                    "/cam/",
                    null,
                    URI.create("rtsp://viewer:secret@127.0.0.1:8555/"),
                    List.of("digest"))),
            List.of("anonymous", "digest"));

    assertEquals(
        List.of(
            "serving /vod/ (the server's: anonymous, digest) from " + media,
            "serving /private/ (digest, ntlm, basic) from " + missing + " (missing)",
            "serving /cam/ (digest) from origin rtsp://127.0.0.1:8555/"),
        lines);
  }
}
