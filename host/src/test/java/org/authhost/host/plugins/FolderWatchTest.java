package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.config.ReloadSettings;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.time.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder watch: the file-system watch only brings a scan forward, after the debounce, and a JAR
 * counts as complete only once it held still from one scan to the next and opens.
 */
class FolderWatchTest {
  @TempDir Path folder;

  private final MutableClock clock = new MutableClock();
  private final List<Set<Path>> complete = new ArrayList<>();
  private final CountDownLatch debounceScheduled = new CountDownLatch(1);
  private FolderWatch watch;

  /** The test's clock, telling the test when the watch thread asked for a debounced scan. */
  private final Scheduler scheduler =
      new Scheduler() {
        @Override
        public Scheduled schedule(Runnable task, Duration delay) {
          Scheduled s = clock.schedule(task, delay);
          if (delay.equals(ReloadSettings.DEBOUNCE)) {
            debounceScheduled.countDown();
          }
          return s;
        }

        @Override
        public Scheduled scheduleWithFixedDelay(
            Runnable task, Duration initialDelay, Duration delay) {
          return clock.scheduleWithFixedDelay(task, initialDelay, delay);
        }
      };

  @AfterEach
  void stop() {
    if (watch != null) {
      watch.stop();
    }
  }

  private void start(boolean useWatch) {
    watch =
        new FolderWatch(
            folder,
            new ReloadSettings(
                useWatch, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ZERO),
            scheduler,
            Runnable::run,
            (done, present) -> complete.add(Set.copyOf(done)));
    watch.start();
  }

  @Test
  void aChangeSeenByTheWatchBringsTheScanForwardAfterTheDebounce() throws Exception {
    start(true);
    Path jar = Files.write(folder.resolve("a.jar"), emptyZip());
    // The watch thread sees the new file and asks for a scan one debounce from now.
    assertTrue(debounceScheduled.await(30, TimeUnit.SECONDS), "the watch asked for a scan");
    clock.advance(ReloadSettings.DEBOUNCE);
    assertEquals(1, complete.size(), "one scan, long before the 60 s period");
    // First sighting at that scan: not yet known to hold still.
    assertEquals(Set.of(), complete.get(0));
    clock.advance(Duration.ofSeconds(60));
    assertEquals(Set.of(jar), complete.get(complete.size() - 1));
  }

  @Test
  void aJarIsCompleteOnlyOnceItHeldStillAndOpens() throws Exception {
    start(false);
    Path jar = folder.resolve("b.jar");
    byte[] zip = emptyZip();
    Files.write(jar, new byte[] {'P', 'K'});
    clock.advance(Duration.ofSeconds(60));
    assertEquals(Set.of(), complete.get(0), "first sighting");
    Files.write(jar, zip);
    clock.advance(Duration.ofSeconds(60));
    assertEquals(Set.of(), complete.get(1), "it grew");
    clock.advance(Duration.ofSeconds(60));
    assertEquals(Set.of(jar), complete.get(2), "held still and opens");
    Files.writeString(folder.resolve(".c.jar"), "a dot-file is an install in progress");
    clock.advance(Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    assertEquals(Set.of(jar), complete.get(4));
  }

  @Test
  void aFileThatHoldsStillButNeverOpensIsHandedOnToBeRefused() throws Exception {
    start(false);
    Path bad = Files.writeString(folder.resolve("bad.jar"), "not a zip");
    clock.advance(Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    assertEquals(Set.of(), complete.get(1), "held still once: perhaps still arriving");
    clock.advance(Duration.ofSeconds(60));
    assertEquals(Set.of(bad), complete.get(2), "still unreadable: complete, and bad");
  }

  private static byte[] emptyZip() throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var zip = new java.util.zip.ZipOutputStream(bytes)) {
      zip.putNextEntry(new java.util.zip.ZipEntry("x"));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }
}
