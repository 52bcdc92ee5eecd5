package org.authhost.host.http.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.authhost.host.http.content.SafePath.Refusal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafePathTest {
  @TempDir Path dir;
  Path root;
  Path outside;

  @BeforeEach
  void files() throws IOException {
    root = Files.createDirectories(dir.resolve("root"));
    outside = Files.writeString(dir.resolve("secret"), "secret");
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/clip.mp4"), "clip");
    Files.writeString(root.resolve("name with space.txt"), "x");
    Files.writeString(root.resolve("été.txt"), "x");
    Files.writeString(root.resolve("..."), "three dots are a name");
    Files.createSymbolicLink(root.resolve("out-link"), outside);
    Files.createSymbolicLink(root.resolve("out-dir"), dir);
    Files.createSymbolicLink(root.resolve("in-link"), root.resolve("a/b/clip.mp4"));
  }

  private Optional<Path> resolve(String raw) {
    return SafePath.resolve(root, raw);
  }

  @Test
  void plainPathsResolveToTheRealFile() throws IOException {
    assertEquals(Optional.of(root.resolve("a/b/clip.mp4").toRealPath()), resolve("a/b/clip.mp4"));
    assertEquals(Optional.of(root.resolve("a/b/clip.mp4").toRealPath()), resolve("/a/b/clip.mp4"));
    assertEquals(
        Optional.of(root.resolve("name with space.txt").toRealPath()),
        resolve("name%20with%20space.txt"));
    assertEquals(Optional.of(root.resolve("été.txt").toRealPath()), resolve("%C3%A9t%c3%a9.txt"));
    assertEquals(Optional.of(root.resolve("...").toRealPath()), resolve("..."));
    assertEquals(Optional.of(root.resolve("a/b").toRealPath()), resolve("a/b/"));
    assertEquals(Optional.of(root.toRealPath()), resolve(""));
  }

  @Test
  void aTrailingSlashAfterAFileNameIsNotTheFile() throws IOException {
    // "/vod/file.txt/" served the file: the slash names a folder, and there is none.
    assertEquals(Refusal.NOT_FOUND, SafePath.why(root, "a/b/clip.mp4/"));
    assertEquals(Refusal.NOT_FOUND, SafePath.why(root, "in-link/"));
    assertEquals(Optional.of(root.resolve("a/b").toRealPath()), resolve("a/b/"));
    assertEquals(Optional.of(root.resolve("a/b/clip.mp4").toRealPath()), resolve("a/b/clip.mp4"));
  }

  @Test
  void linksInsideAreFollowedLinksOutAreRefused() throws IOException {
    assertEquals(Optional.of(root.resolve("a/b/clip.mp4").toRealPath()), resolve("in-link"));
    assertEquals(Refusal.LINK_OUTSIDE_ROOT, SafePath.why(root, "out-link"));
    assertEquals(Refusal.LINK_OUTSIDE_ROOT, SafePath.why(root, "out-dir/secret"));
  }

  @Test
  void aRootBehindALinkStillWorks() throws IOException {
    Path linkedRoot = Files.createSymbolicLink(dir.resolve("root-link"), root);
    assertEquals(
        Optional.of(root.resolve("a/b/clip.mp4").toRealPath()),
        SafePath.resolve(linkedRoot, "a/b/clip.mp4"));
    assertEquals(Refusal.LINK_OUTSIDE_ROOT, SafePath.why(linkedRoot, "out-link"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "../secret | DOT_SEGMENT",
        "a/../../secret | DOT_SEGMENT",
        "a/./b/clip.mp4 | DOT_SEGMENT",
        "%2e%2e/secret | DOT_SEGMENT",
        "%2E./secret | DOT_SEGMENT",
        ".%2e/secret | DOT_SEGMENT",
        "%2e | DOT_SEGMENT",
        "a//b/clip.mp4 | DOT_SEGMENT",
        "//secret | DOT_SEGMENT",
        "..%2fsecret | SEPARATOR",
        "..%2Fsecret | SEPARATOR",
        "a%2fb/clip.mp4 | SEPARATOR",
        "..\\secret | SEPARATOR",
        "..%5csecret | SEPARATOR",
        "a%00b | CONTROL_CHARACTER",
        "a%0ab | CONTROL_CHARACTER",
        "a%7fb | CONTROL_CHARACTER",
        "a%c2%85b | CONTROL_CHARACTER",
        "%c0%ae%c0%ae/secret | MALFORMED",
        "%e0%80%ae%e0%80%ae/secret | MALFORMED",
        "%ed%a0%80 | MALFORMED",
        "%c3 | MALFORMED",
        "%ff | MALFORMED",
        "a%2 | MALFORMED",
        "a%zz | MALFORMED",
        "a%%32%65 | MALFORMED",
        "été.txt | MALFORMED",
        "a?b | MALFORMED",
        "a#b | MALFORMED",
        "missing.mp4 | NOT_FOUND",
        "a/b/clip.mp4/x | NOT_FOUND",
      })
  void refusals(String raw, Refusal expected) {
    SafePath.Result result = SafePath.check(root, raw);
    assertFalse(result.allowed(), raw);
    assertEquals(expected, result.refusal(), raw + ": " + result.detail());
    assertTrue(result.toOptional().isEmpty());
    assertTrue(result.detail() != null && !result.detail().isEmpty());
  }

  @Test
  void rawControlCharactersAreRefused() {
    assertEquals(Refusal.CONTROL_CHARACTER, SafePath.why(root, "a\u0000b"));
    assertEquals(Refusal.CONTROL_CHARACTER, SafePath.why(root, "a\tb"));
  }

  @Test
  void statusesHideWhatIsOutside() {
    assertEquals(404, Refusal.LINK_OUTSIDE_ROOT.status());
    assertEquals(404, Refusal.DOT_SEGMENT.status());
    assertEquals(404, Refusal.NOT_FOUND.status());
    assertEquals(400, Refusal.MALFORMED.status());
    assertNull(SafePath.why(root, "a/b/clip.mp4"));
  }
}
