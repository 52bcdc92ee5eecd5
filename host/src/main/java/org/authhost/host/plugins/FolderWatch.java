package org.authhost.host.plugins;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.zip.ZipFile;
import org.authhost.host.config.ReloadSettings;
import org.authhost.host.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the plug-in folder: a periodic scan on the host's {@link Scheduler} is the source of
 * truth, and a file-system watch only brings the next scan forward (after {@link
 * ReloadSettings#DEBOUNCE}), since a watch misses events on network file systems and overflows
 * under bursts. A JAR counts as complete once its size and modification time held still from one
 * scan to the next and it opens as a ZIP: one still being copied in is left alone until then.
 *
 * <p>The scans run on {@code worker} (the host's reload thread), never on the scheduler's.
 */
final class FolderWatch {
  private static final Logger log = LoggerFactory.getLogger(FolderWatch.class);

  private final Path directory;
  private final ReloadSettings settings;
  private final Scheduler scheduler;
  private final Executor worker;
  private final BiConsumer<Set<Path>, Set<Path>> onScan;

  /** What the last scan saw of each JAR (worker thread only). */
  private final Map<Path, FileStamp> lastSeen = new HashMap<>();

  /** JARs that held still at the last scan but did not open (worker thread only). */
  private final Set<Path> stillUnreadable = new LinkedHashSet<>();

  private volatile Scheduler.Scheduled periodic;
  private volatile Scheduler.Scheduled debounced;
  private volatile WatchService watch;
  private volatile boolean stopped;

  /**
   * @param onScan given the JARs that are complete and the JARs present (complete or not), after
   *     each scan; both null when the folder could not be listed (missing, unreadable): an empty
   *     folder and a folder that cannot be seen must never look alike
   */
  FolderWatch(
      Path directory,
      ReloadSettings settings,
      Scheduler scheduler,
      Executor worker,
      BiConsumer<Set<Path>, Set<Path>> onScan) {
    this.directory = directory;
    this.settings = settings;
    this.scheduler = scheduler;
    this.worker = worker;
    this.onScan = onScan;
  }

  /** Starts following the folder; the JARs present now are taken as the first scan's sighting. */
  void start() {
    if (!settings.follows()) {
      return;
    }
    worker.execute(this::look);
    periodic =
        scheduler.scheduleWithFixedDelay(
            () -> worker.execute(this::scan), settings.rescan(), settings.rescan());
    if (settings.watch()) {
      startWatch();
    }
  }

  void stop() {
    stopped = true;
    Scheduler.Scheduled p = periodic;
    if (p != null) {
      p.cancel();
    }
    Scheduler.Scheduled d = debounced;
    if (d != null) {
      d.cancel();
    }
    WatchService w = watch;
    if (w != null) {
      try {
        w.close();
      } catch (IOException e) {
        log.debug("closing the watch of {}", directory, e);
      }
    }
  }

  private void startWatch() {
    try {
      WatchService service = directory.getFileSystem().newWatchService();
      directory.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
      watch = service;
    } catch (IOException | UnsupportedOperationException e) {
      // The periodic scan still follows the folder.
      log.info(
          "no file-system watch on {} ({}); scanning every {}", directory, e, settings.rescan());
      return;
    }
    Thread t = new Thread(this::watchLoop, "authhost-plugin-watch");
    t.setDaemon(true);
    t.setContextClassLoader(FolderWatch.class.getClassLoader());
    t.start();
  }

  private void watchLoop() {
    WatchService service = watch;
    while (!stopped) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      // Whatever happened (an overflow included) the answer is the same: scan soon.
      key.pollEvents();
      triggerSoon();
      if (!key.reset()) {
        // The folder itself went away; the periodic scan reports it.
        return;
      }
    }
  }

  /** The next scan, {@link ReloadSettings#DEBOUNCE} after the last event of a burst. */
  private synchronized void triggerSoon() {
    if (stopped) {
      return;
    }
    Scheduler.Scheduled d = debounced;
    if (d != null) {
      d.cancel();
    }
    try {
      debounced = scheduler.schedule(() -> worker.execute(this::scan), ReloadSettings.DEBOUNCE);
    } catch (IllegalStateException stopping) {
      // The host is stopping.
    }
  }

  /** Records what is there without acting: the first sighting of the files present at start. */
  private void look() {
    present();
  }

  /** One scan: which JARs are complete, handed to {@code onScan}. */
  void scan() {
    if (stopped) {
      return;
    }
    Map<Path, FileStamp> before = new HashMap<>(lastSeen);
    Set<Path> present = present();
    if (present == null) {
      // What was seen before stays: the folder may be back at the next scan (a directory swap, a
      // network file system's blip), and a JAR that held still then is still complete.
      onScan.accept(null, null);
      return;
    }
    Set<Path> complete = new LinkedHashSet<>();
    Set<Path> unreadable = new LinkedHashSet<>();
    for (Path jar : present) {
      FileStamp now = lastSeen.get(jar);
      if (now == null || !now.sameAs(before.get(jar))) {
        continue;
      }
      if (opens(jar) || stillUnreadable.contains(jar)) {
        // A file that held still but never opened is complete and bad: the host says so.
        complete.add(jar);
      } else {
        unreadable.add(jar);
      }
    }
    stillUnreadable.clear();
    stillUnreadable.addAll(unreadable);
    onScan.accept(complete, present);
  }

  /**
   * The JARs in the folder now, their stamps recorded in {@link #lastSeen}; null (and nothing
   * recorded) if the folder cannot be listed.
   */
  private Set<Path> present() {
    Set<Path> jars = listJars(directory);
    if (jars == null) {
      return null;
    }
    lastSeen.keySet().retainAll(jars);
    for (Path jar : jars) {
      FileStamp stamp = FileStamp.peek(jar);
      if (stamp == null) {
        lastSeen.remove(jar);
      } else {
        lastSeen.put(jar, stamp);
      }
    }
    jars.retainAll(lastSeen.keySet());
    return jars;
  }

  /**
   * The JARs of {@code directory} but dot-files (an install in progress: copy under another name,
   * then rename), or null if it is not a folder or cannot be listed.
   */
  static Set<Path> listJars(Path directory) {
    if (!Files.isDirectory(directory)) {
      return null;
    }
    Set<Path> jars = new LinkedHashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.jar")) {
      for (Path f : files) {
        if (!f.getFileName().toString().startsWith(".")) {
          jars.add(f);
        }
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      log.debug("listing {}", directory, e);
      return null;
    }
    return jars;
  }

  /** Whether the file reads as a ZIP (a half-copied one has no central directory yet). */
  private static boolean opens(Path jar) {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.size() >= 0;
    } catch (IOException e) {
      return false;
    }
  }
}
