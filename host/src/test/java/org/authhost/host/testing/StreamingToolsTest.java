package org.authhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class StreamingToolsTest {
  @Test
  void aMissingToolSkipsNamingTheDebianPackage() {
    TestAbortedException skipped =
        assertThrows(
            TestAbortedException.class,
            () -> StreamingTools.require(Optional.empty(), "ffprobe", "ffmpeg", null));
    assertTrue(
        skipped.getMessage().contains("ffprobe is not installed; apt-get install ffmpeg"),
        skipped.getMessage());
  }

  @Test
  void whereCiRequiresTheToolsAMissingOneFails() {
    AssertionFailedError failed =
        assertThrows(
            AssertionFailedError.class,
            () ->
                StreamingTools.require(
                    Optional.empty(), "nginx's RTMP module", "libnginx-mod-rtmp", "1"));
    assertTrue(
        failed.getMessage().contains("apt-get install libnginx-mod-rtmp"), failed.getMessage());
    assertTrue(failed.getMessage().contains("AUTHHOST_REQUIRE_STREAMING=1"), failed.getMessage());
  }

  @Test
  void aToolFoundIsReturned() {
    Path nginx = Path.of("/usr/sbin/nginx");
    assertEquals(nginx, StreamingTools.require(Optional.of(nginx), "nginx", "nginx", "1"));
  }
}
