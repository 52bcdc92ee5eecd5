package org.authhost.host.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.IntegrityConfig;
import org.authhost.host.config.ReloadSettings;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plug-ins dropped in, replaced and removed while the host runs (issue 16), and the operator's
 * {@code plugins reload} and {@code rollback}.
 *
 * <ul>
 *   <li>A new JAR is staged, loaded in its own class loader, initialized, enabled per host.json and
 *       then offered.
 *   <li>A changed JAR (overwritten, or a newer {@code version} beside the old file) is brought up
 *       beside the version in service; only once it is ready do new requests and handshakes go to
 *       it. The old version <em>drains</em>: the sessions it has open (requests in flight,
 *       connection-bound handshakes and the logons they carry) finish on it, while a context kept
 *       for a connection is released at once if no request is using it, else when that request ends
 *       (the connection stays; its next request goes to the new version); when the last is
 *       released, or at {@code plugins.drainSeconds} (the connections still bound to it are then
 *       closed, with an event), it is disabled, shut down and unloaded, and its class loader is
 *       checked for leaks ({@link UnloadCheck}). A new version that fails leaves the old one in
 *       service, with an ERROR naming the file and the fix.
 *   <li>A removed JAR drains the same way, then is unloaded.
 * </ul>
 *
 * <p>Every change runs on one thread of its own, one at a time, never on the scheduler's: loading
 * calls into plug-in code and may take a call time limit.
 */
public final class PluginReloads {
  private static final Logger log = LoggerFactory.getLogger(PluginReloads.class);

  /** How long an operator's reload waits for its answer. */
  private static final Duration ON_DEMAND_LIMIT = Duration.ofMinutes(2);

  private final PluginHost host;
  private final AtomicLong generations = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();

  /** Versions replaced or removed that still finish what they started. */
  private final List<HostedPlugin> draining = new CopyOnWriteArrayList<>();

  /** Their retirements, whose drain time-outs a stop cancels. */
  private final Set<Retirement> retirements = ConcurrentHashMap.newKeySet();

  /** Files that were refused, as they were then: not tried again until they change. */
  private final Map<Path, FileStamp> broken = new ConcurrentHashMap<>();

  /** Files of an older version beside a newer one, never loaded. */
  private final Map<Path, PluginDescriptor> superseded = new ConcurrentHashMap<>();

  private final Set<FileStamp> supersededReported = ConcurrentHashMap.newKeySet();

  /** Per refused file, its stamp and the refusal as last reported: each is reported once. */
  private final Map<Path, String> refusalsTold = new ConcurrentHashMap<>();

  /** The trust lists' content when last looked at (see {@link #trustLists}). */
  private volatile String trustSeen = "";

  /** Per id, the copy of the version replaced last, which a rollback brings back. */
  private final Map<String, Kept> previous = new ConcurrentHashMap<>();

  /** Per "id#load", what the unload check found holding the old class loader (tests, admin). */
  private final Map<String, CompletableFuture<List<String>>> unloadChecks =
      new ConcurrentHashMap<>();

  /**
   * The operator's run-time enable/disable per id: a new version takes it over (host.json's not).
   */
  private final Map<String, Boolean> operatorEnabled = new ConcurrentHashMap<>();

  /** The id a rollback is swapping (worker thread): its file is briefly absent, not removed. */
  private String rollingBack;

  /** Whether the folder could not be listed at the last scan (said once, not at every scan). */
  private boolean folderUnseen;

  private volatile ExecutorService worker;
  private volatile FolderWatch watch;
  private volatile boolean stopped;

  /** A replaced version's JAR, kept in the data folder. */
  record Kept(String id, String version, Path copy, String fileName) {}

  PluginReloads(PluginHost host) {
    this.host = host;
  }

  long nextGeneration() {
    return generations.incrementAndGet();
  }

  /** What the start's scan found: the files it refused and those it found superseded. */
  void remember(PluginDiscovery.Scan scan) {
    for (PluginProblem p : scan.problems()) {
      FileStamp stamp = p.file() == null ? null : FileStamp.peek(p.file());
      if (stamp != null) {
        broken.put(p.file(), stamp);
        told(p, stamp);
      }
    }
    for (PluginDescriptor d : scan.superseded()) {
      noteSuperseded(d, scan.descriptors());
    }
  }

  void start() {
    stopped = false;
    operatorEnabled.clear();
    trustSeen = trustLists();
    // What the start refused (its loads' refusals too) is not tried again until it changes, or,
    // for a refusal by plugins.integrity, until the trust lists do.
    for (PluginProblem p : host.problems()) {
      FileStamp stamp = p.file() == null ? null : FileStamp.peek(p.file());
      if (stamp != null) {
        broken.put(p.file(), stamp);
        told(p, stamp);
      }
    }
    worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "authhost-plugin-reload");
              t.setDaemon(true);
              // Whichever thread asks first (a plug-in's, when a release ends a drain), the
              // reload thread must never hold a plug-in's class loader.
              t.setContextClassLoader(PluginReloads.class.getClassLoader());
              return t;
            });
    ReloadSettings settings = host.config().plugins().reload();
    watch =
        new FolderWatch(
            host.config().plugins().directory(),
            settings,
            host.scheduler(),
            this::execute,
            (complete, present) -> rescan(complete, present, null));
    watch.start();
  }

  /** No reload starts after this; one in progress is waited for. */
  void stop() {
    FolderWatch w = watch;
    if (w != null) {
      w.stop();
    }
    lock.lock();
    try {
      stopped = true;
      operatorEnabled.clear();
    } finally {
      lock.unlock();
    }
    ExecutorService e = worker;
    if (e != null) {
      e.shutdownNow();
    }
    // No drain time-out or late release finishes a version after the stop: the host stops the
    // draining versions itself (takeDraining).
    retirements.forEach(Retirement::take);
    retirements.clear();
  }

  /** The versions still draining, which the caller (the host's stop) stops; none is left here. */
  List<HostedPlugin> takeDraining() {
    List<HostedPlugin> left = List.copyOf(draining);
    draining.clear();
    return left;
  }

  private void execute(Runnable task) {
    ExecutorService e = worker;
    if (e == null || stopped) {
      return;
    }
    try {
      e.execute(task);
    } catch (RejectedExecutionException stopping) {
      // The host is stopping: it unloads every version itself.
    }
  }

  /** The versions still draining. */
  List<HostedPlugin> draining() {
    return List.copyOf(draining);
  }

  List<PluginView> supersededViews() {
    List<PluginView> views = new ArrayList<>();
    superseded.forEach(
        (file, d) ->
            views.add(
                new PluginView(
                    d.id(),
                    d.version(),
                    file,
                    PluginStatus.NONE,
                    HResult.S_OK,
                    "superseded by a newer version of '" + d.id() + "'; not loaded",
                    "",
                    "",
                    0,
                    Set.of(),
                    "",
                    PluginView.NO_SIGNER,
                    PluginView.SUPERSEDED)));
    return views;
  }

  /**
   * The operator's {@code plugins reload [ID]}: the folder is scanned now, every JAR in it taken as
   * complete (the operator says so); with an id, that plug-in is loaded afresh from its file even
   * if the file did not change.
   *
   * @return what the reload did, one line each
   * @throws IllegalArgumentException for an id that no loaded plug-in and no JAR has
   */
  public List<String> reload(String id) {
    return onWorker(
        () -> {
          Set<Path> jars = jarsNow();
          if (jars == null) {
            throw new IllegalStateException(
                "the plug-in folder "
                    + host.config().plugins().directory()
                    + " cannot be listed (missing or unreadable); nothing was changed");
          }
          if (id != null) {
            // The plug-in's refused files are tried again: the operator may have fixed what they
            // need (a grant, a library). Other refused files wait until they change.
            host.problems().stream()
                .filter(p -> p.pluginId().equals(id) && p.file() != null)
                .forEach(p -> broken.remove(p.file()));
            broken.keySet().removeIf(file -> declares(file, id));
          }
          if (id != null
              && !host.current().containsKey(id)
              && jars.stream().noneMatch(j -> declares(j, id))) {
            throw new NoSuchPluginException(
                "no plug-in '"
                    + id
                    + "' is loaded and no JAR in "
                    + host.config().plugins().directory()
                    + " declares id="
                    + id);
          }
          return rescan(jars, jars, id);
        });
  }

  /**
   * The operator's change of a plug-in's named values (the web console). A new instance of the
   * version in service is loaded beside it with {@code properties}, initialized and enabled as the
   * current one is: the plug-in validates them itself ({@code InitializePlugin}, {@code
   * EnablePlugin}). Only if it accepts them does the new instance take the current one's place (the
   * old one drains, as after a reload); if it refuses them, the new instance is unloaded and the
   * current one stays, with its values.
   *
   * @return what was done, one line
   * @throws ValuesRefusedException with the plug-in's ErrorText when it refuses the values
   * @throws NoSuchPluginException when no plug-in {@code id} is in service
   */
  public List<String> reconfigure(String id, Map<String, String> properties) {
    return onWorker(
        () -> {
          lock.lock();
          try {
            HostedPlugin current = host.current().get(id);
            if (current == null) {
              throw new NoSuchPluginException("no plug-in '" + id + "' is loaded");
            }
            Map<String, String> before = host.propertiesOf(id);
            PluginDescriptor d = current.descriptor();
            host.useProperties(id, properties);
            HostedPlugin next;
            try {
              next = host.startOne(d, nextGeneration(), true);
            } catch (RuntimeException | Error e) {
              host.useProperties(id, before);
              throw e;
            }
            boolean wanted = wantsEnabled(id);
            boolean ready =
                next != null
                    && (next.status() & PluginStatus.ERROR) == 0
                    && next.isLoaded()
                    && (!wanted || next.isUsable());
            if (!ready) {
              String why =
                  next == null
                      ? lastProblem(d)
                      : next.errorText().isEmpty()
                          ? PluginStatus.toString(next.status())
                          : next.errorText();
              if (next != null) {
                unload(next, false);
              }
              host.useProperties(id, before);
              throw new ValuesRefusedException(id, why);
            }
            // In service from here: its failures are the plug-in's, reported as any, and what it
            // logged while on trial is written now.
            next.endTrial(e -> host.events().plugin(e.level(), id, e.code(), e.text()));
            Map<String, HostedPlugin> map = new LinkedHashMap<>(host.current());
            map.put(id, next);
            host.replaceAll(map);
            host.events()
                .host(
                    EventLevel.INFORMATION,
                    HostEvents.aboutPlugin(id),
                    HResult.S_OK,
                    "plug-in '"
                        + id
                        + "': new named values accepted ("
                        + String.join(", ", properties.keySet())
                        + "); new requests go to the instance that has them, while the old one"
                        + " finishes the "
                        + current.openSessions()
                        + " session(s) it has open");
            retire(current);
            return List.of("reconfigured " + id);
          } finally {
            lock.unlock();
          }
        });
  }

  /**
   * The version a {@link #rollback} of {@code id} would bring back, if the host kept one (the
   * console offers Roll back only then).
   */
  public Optional<String> rollbackVersion(String id) {
    Kept kept = previous.get(id);
    return kept == null ? Optional.empty() : Optional.of(kept.version());
  }

  /**
   * The operator's {@code plugins rollback ID}: the version that the current one replaced comes
   * back, from the copy the host kept; the current JAR leaves the plug-in folder for the data
   * folder (where it is kept in turn), so the folder says what runs.
   */
  public List<String> rollback(String id) {
    return onWorker(
        () -> {
          Kept kept = previous.get(id);
          HostedPlugin current = host.current().get(id);
          if (kept == null || current == null) {
            throw new IllegalArgumentException(
                "no earlier version of '"
                    + id
                    + "' to roll back to: the host keeps the version each replacement retires"
                    + " (in "
                    + keptFolder(id)
                    + ") from its start on; copy the JAR you want into "
                    + host.config().plugins().directory()
                    + " instead");
          }
          Path folder = host.config().plugins().directory();
          Path currentFile = current.descriptor().file();
          // The version in service must be kept before its file leaves the folder: without a
          // copy, a failed rollback could not put it back.
          Kept now = keep(current);
          if (now == null) {
            throw new IllegalStateException(
                "could not keep a copy of version "
                    + current.descriptor().version()
                    + " of '"
                    + id
                    + "' in "
                    + keptFolder(id)
                    + " (see the host's log); nothing was changed, version "
                    + current.descriptor().version()
                    + " stays in service");
          }
          Path target = folder.resolve(kept.fileName());
          // Staged and checked beside the folder's JARs (a dot-file: no scan takes it) before the
          // folder changes at all.
          Path staged = target.resolveSibling("." + target.getFileName() + ".rollback");
          try {
            Files.copy(kept.copy(), staged, StandardCopyOption.REPLACE_EXISTING);
          } catch (IOException e) {
            throw new IllegalStateException(
                "could not copy "
                    + kept.copy()
                    + " into "
                    + folder
                    + " ("
                    + e
                    + "); nothing was changed, version "
                    + current.descriptor().version()
                    + " stays in service",
                e);
          }
          String refused = refusalOf(staged, id);
          if (refused != null) {
            deleteQuietly(staged);
            throw new IllegalStateException(
                "the kept copy "
                    + kept.copy()
                    + " of version "
                    + kept.version()
                    + " of '"
                    + id
                    + "' cannot come back: "
                    + refused
                    + "; nothing was changed, version "
                    + current.descriptor().version()
                    + " stays in service");
          }
          List<String> done = new ArrayList<>();
          rollingBack = id;
          try {
            try {
              Files.move(
                  staged,
                  target,
                  StandardCopyOption.ATOMIC_MOVE,
                  StandardCopyOption.REPLACE_EXISTING);
              if (!target.equals(currentFile)) {
                Files.deleteIfExists(currentFile);
              }
            } catch (IOException e) {
              done.add("could not put " + kept.copy() + " in place as " + target + ": " + e);
            }
            if (done.isEmpty()) {
              Set<Path> jars = jarsNow();
              done.addAll(rescan(jars, jars, null));
            }
          } finally {
            rollingBack = null;
          }
          HostedPlugin after = host.current().get(id);
          if (after != null && after != current) {
            return done;
          }
          // It did not come back: the folder goes back to what runs.
          deleteQuietly(staged);
          try {
            if (!target.equals(currentFile)) {
              Files.deleteIfExists(target);
            }
            if (!Files.exists(currentFile)) {
              install(now.copy(), currentFile);
            }
          } catch (IOException e) {
            done.add("could not restore " + currentFile + " from " + now.copy() + ": " + e);
          }
          boolean stays = host.current().get(id) == current;
          throw new IllegalStateException(
              "version "
                  + kept.version()
                  + " of '"
                  + id
                  + "' did not come back ("
                  + String.join("; ", done)
                  + "); "
                  + (stays
                      ? "version " + current.descriptor().version() + " stays in service"
                      : "no version of '"
                          + id
                          + "' is in service: copy "
                          + now.copy()
                          + " into "
                          + folder));
        });
  }

  /** Why a JAR about to come back as {@code id} would be refused, or null. */
  private String refusalOf(Path jar, String id) {
    java.util.Optional<PluginProblem> refused = host.admission().refusal(jar);
    if (refused.isPresent()) {
      return refused.get().message() + " (" + refused.get().id() + ")";
    }
    DescriptorReader.Result read = DescriptorReader.read(jar);
    if (read.descriptor() == null) {
      return read.problems().isEmpty()
          ? "it has no plug-in descriptor"
          : read.problems().get(0).message();
    }
    if (!read.descriptor().id().equals(id)) {
      return "it declares id=" + read.descriptor().id();
    }
    return null;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.debug("deleting {}", file, e);
    }
  }

  /** Copies {@code from} into place as {@code target} by a rename, as operators are told to. */
  private static void install(Path from, Path target) throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private interface Work {
    List<String> run();
  }

  private List<String> onWorker(Work work) {
    CompletableFuture<List<String>> answer = new CompletableFuture<>();
    ExecutorService e = worker;
    if (e == null || stopped) {
      throw new IllegalStateException("the plug-in host is not running");
    }
    try {
      e.execute(
          () -> {
            try {
              answer.complete(work.run());
            } catch (RuntimeException | Error failure) {
              answer.completeExceptionally(failure);
            }
          });
      return answer.get(ON_DEMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      throw new IllegalStateException("the plug-in host is stopping");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (TimeoutException late) {
      throw new IllegalStateException(
          "the reload is still running after " + ON_DEMAND_LIMIT.toSeconds() + " s");
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(failed.getCause());
    }
  }

  /** Completes once every change asked for so far has been made (tests). */
  CompletableFuture<Void> idle() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ExecutorService e = worker;
    if (e == null) {
      done.complete(null);
      return done;
    }
    try {
      e.execute(() -> done.complete(null));
    } catch (RejectedExecutionException stopping) {
      done.complete(null);
    }
    return done;
  }

  /**
   * What the unload check of load {@code generation} of {@code id} found holding its class loader
   * (empty: collected), or null if no such check ran.
   */
  CompletableFuture<List<String>> unloadCheck(String id, long generation) {
    return unloadChecks.get(id + "#" + generation);
  }

  /** The JARs in the plug-in folder, or null if it cannot be listed. */
  private Set<Path> jarsNow() {
    return FolderWatch.listJars(host.config().plugins().directory());
  }

  /** Whether a JAR that is present but not yet complete declares {@code id}, as far as it reads. */
  private static boolean arriving(String id, Set<Path> present, Set<Path> complete) {
    for (Path jar : present) {
      if (!complete.contains(jar) && declares(jar, id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the file of {@code p} changed its size-and-time stamp but not its content (a touch, a
   * {@code git checkout}, a tool that rewrites identical files): then it takes the new stamp and
   * stays as it is.
   */
  private static boolean sameContent(HostedPlugin p) {
    FileStamp was = p.stamp();
    if (was.sha256().isEmpty()) {
      return false;
    }
    try {
      FileStamp now = FileStamp.of(was.file());
      if (now.sha256().equals(was.sha256())) {
        p.restamped(now);
        return true;
      }
    } catch (IOException gone) {
      // Looked at again by the scan.
    }
    return false;
  }

  private static boolean aboutTheFolder(PluginProblem p) {
    return p.id().equals("plugin/no-directory") || p.id().equals("plugin/unreadable-directory");
  }

  /**
   * The folder cannot be listed: no version is retired for it (an empty listing is not an empty
   * folder), and the problem is said once, not at every scan.
   */
  private void folderUnseen(List<PluginProblem> problems) {
    if (folderUnseen) {
      return;
    }
    folderUnseen = true;
    if (host.problems().stream().noneMatch(PluginReloads::aboutTheFolder)) {
      problems.forEach(host::refuse);
    }
  }

  private static boolean declares(Path jar, String id) {
    PluginDescriptor d = DescriptorReader.read(jar).descriptor();
    return d != null && d.id().equals(id);
  }

  /**
   * Acts on what the folder holds: {@code complete} are the JARs that may be loaded, {@code
   * present} every JAR there (both null: the folder could not be listed, and nothing changes);
   * {@code forceId}, if not null, is loaded afresh.
   */
  private List<String> rescan(Set<Path> complete, Set<Path> present, String forceId) {
    List<String> done = scan(complete, present, forceId);
    for (String line : done) {
      String result = reloadResult(line);
      if (result != null) {
        host.guard().metrics().reloaded(result);
      }
    }
    return done;
  }

  /**
   * What one line of a scan's report counts as in {@code authhost_plugin_reloads_total}: its first
   * word, which this class writes, with a file refused and a replacement kept out both a failure.
   */
  private static String reloadResult(String line) {
    int space = line.indexOf(' ');
    String first = space < 0 ? line : line.substring(0, space);
    return switch (first) {
      case "added", "replaced", "removed" -> first;
      case "refused", "kept" -> "failed";
      default -> null;
    };
  }

  private List<String> scan(Set<Path> complete, Set<Path> present, String forceId) {
    List<String> done = new ArrayList<>();
    lock.lock();
    try {
      if (stopped) {
        return done;
      }
      Path directory = host.config().plugins().directory();
      String trust = trustLists();
      if (!trust.equals(trustSeen)) {
        // plugins trust / untrust ran: what integrity refused is decided again, without a
        // restart (a file refused again for the same reason is not reported again).
        trustSeen = trust;
        host.problems().stream()
            .filter(p -> p.id().startsWith("integrity/") && p.file() != null)
            .forEach(p -> broken.remove(p.file()));
      }
      if (present == null) {
        folderUnseen(PluginDiscovery.scan(directory, host.admission(), jar -> false).problems());
        done.add("the plug-in folder cannot be listed: nothing changed");
        return done;
      }
      // Forget what was refused or superseded of files that changed or went away.
      broken.entrySet().removeIf(e -> !e.getValue().sameAs(FileStamp.peek(e.getKey())));
      refusalsTold.keySet().removeIf(file -> !Files.exists(file));
      superseded.keySet().retainAll(present);
      supersededReported.removeIf(stamp -> !stamp.sameAs(FileStamp.peek(stamp.file())));
      host.forgetProblems(
          p ->
              p.file() != null
                  && !p.id().equals("plugin/missing")
                  && !aboutTheFolder(p)
                  && !broken.containsKey(p.file()));
      Map<String, HostedPlugin> now = host.current();
      Set<Path> unchanged = new LinkedHashSet<>();
      for (HostedPlugin p : now.values()) {
        FileStamp stamp = p.stamp();
        if (stamp == null || p.id().equals(forceId)) {
          continue;
        }
        if (stamp.sameAs(FileStamp.peek(stamp.file()))) {
          unchanged.add(stamp.file());
        } else if (complete.contains(stamp.file()) && sameContent(p)) {
          unchanged.add(stamp.file());
        }
      }
      // A superseded file that did not change needs no second look (no hashing every scan) while
      // the version that supersedes it still has its file (else it may be what comes back).
      superseded.forEach(
          (file, d) -> {
            HostedPlugin winner = now.get(d.id());
            FileStamp stamp = FileStamp.peek(file);
            if (winner != null
                && present.contains(winner.descriptor().file())
                && supersededReported.stream().anyMatch(seen -> seen.sameAs(stamp))) {
              unchanged.add(file);
            }
          });
      PluginDiscovery.Scan scan =
          PluginDiscovery.scan(
              directory,
              host.admission(),
              jar ->
                  complete.contains(jar) && !unchanged.contains(jar) && !broken.containsKey(jar));
      if (scan.problems().stream().anyMatch(PluginReloads::aboutTheFolder)) {
        // It went away between the listing and the scan.
        folderUnseen(scan.problems().stream().filter(PluginReloads::aboutTheFolder).toList());
        done.add("the plug-in folder cannot be listed: nothing changed");
        return done;
      }
      if (folderUnseen) {
        folderUnseen = false;
        host.forgetProblems(PluginReloads::aboutTheFolder);
        log.info("the plug-in folder {} can be listed again", directory);
      }
      for (PluginProblem problem : scan.problems()) {
        FileStamp stamp = problem.file() == null ? null : FileStamp.peek(problem.file());
        if (stamp != null) {
          broken.put(problem.file(), stamp);
        }
        // An operator's reload of the id asked for the answer: it is told again.
        boolean tell = stamp == null || told(problem, stamp) || problem.pluginId().equals(forceId);
        HostedPlugin inService = host.current().get(problem.pluginId());
        if (inService != null && problem.id().startsWith("integrity/")) {
          // A replacement that is not trusted: nothing of it runs, the version in service stays.
          host.refuse(problem, false);
          if (tell) {
            host.events()
                .host(
                    EventLevel.ERROR,
                    HostEvents.aboutPlugin(inService.id()),
                    problem.hresult(),
                    "plug-in '"
                        + inService.id()
                        + "': version "
                        + inService.descriptor().version()
                        + " from "
                        + inService.descriptor().file()
                        + " stays in service; its replacement "
                        + problem.describe());
          }
        } else {
          host.refuse(problem, tell);
        }
        done.add("refused " + problem.file().getFileName() + ": " + problem.message());
      }
      Map<String, PluginDescriptor> candidates = new LinkedHashMap<>();
      scan.descriptors().forEach(d -> candidates.put(d.id(), d));
      for (PluginDescriptor d : scan.superseded()) {
        noteSuperseded(d, scan.descriptors());
      }
      // Removed: the file of a version in service is gone and nothing takes its place, not even a
      // JAR still being copied in (renamed in beside the old one's removal: it is complete at the
      // next scan, and the old version serves until then).
      for (HostedPlugin p : now.values()) {
        Path file = p.descriptor().file();
        if (!present.contains(file)
            && !candidates.containsKey(p.id())
            && !Files.exists(file)
            && !p.id().equals(rollingBack)
            && !arriving(p.id(), present, complete)) {
          Map<String, HostedPlugin> next = new LinkedHashMap<>(host.current());
          next.remove(p.id());
          host.replaceAll(next);
          host.events()
              .host(
                  EventLevel.INFORMATION,
                  HostEvents.aboutPlugin(p.id()),
                  HResult.S_OK,
                  "plug-in '"
                      + p.id()
                      + "' version "
                      + p.descriptor().version()
                      + ": its JAR "
                      + file
                      + " was removed; it is offered to no new client, and finishes the "
                      + p.openSessions()
                      + " session(s) it has open (at most "
                      + drainTime().toSeconds()
                      + " s) before it is unloaded");
          retire(p);
          done.add("removed " + p.id() + " " + p.descriptor().version() + " (draining)");
        }
      }
      for (PluginDescriptor d : candidates.values()) {
        HostedPlugin current = host.current().get(d.id());
        if (current == null) {
          done.add(add(d));
          continue;
        }
        Path currentFile = current.descriptor().file();
        boolean overwritten = d.file().equals(currentFile);
        boolean gone = !Files.exists(currentFile);
        int newer = PluginDiscovery.compareVersions(d.version(), current.descriptor().version());
        if (overwritten || gone || newer > 0 || d.id().equals(forceId)) {
          done.add(replace(current, d));
        } else {
          noteSuperseded(d, List.of(current.descriptor()));
        }
      }
    } catch (RuntimeException e) {
      log.error("plug-in folder scan failed", e);
      throw e;
    } finally {
      lock.unlock();
    }
    return done;
  }

  /**
   * Records that {@code problem} was reported for the file as {@code stamp} found it; false if
   * exactly that was reported already.
   */
  private boolean told(PluginProblem problem, FileStamp stamp) {
    String what = stamp.size() + "@" + stamp.modifiedMillis() + " " + problem.describe();
    return !what.equals(refusalsTold.put(problem.file(), what));
  }

  /**
   * The content of what plugins.integrity decides by (allow-list, trust store, built-in hashes), as
   * one fingerprint: the CLI's {@code plugins trust} and {@code untrust} change it, and the next
   * scan then decides again on the files integrity refused.
   */
  private String trustLists() {
    IntegrityConfig integrity = host.config().plugins().integrity();
    if (integrity == null || integrity.mode() == IntegrityConfig.Mode.OFF) {
      return "off";
    }
    StringBuilder fingerprint = new StringBuilder();
    for (Path file :
        new Path[] {integrity.allowList(), integrity.trustStore(), integrity.builtInHashes()}) {
      try {
        fingerprint.append(
            file == null || !Files.isRegularFile(file) ? "-" : FileStamp.sha256(file));
      } catch (IOException unreadable) {
        // Unreadable now: integrity says so when it decides.
        fingerprint.append("?");
      }
      fingerprint.append(';');
    }
    return fingerprint.toString();
  }

  private void noteSuperseded(PluginDescriptor old, List<PluginDescriptor> winners) {
    superseded.put(old.file(), old);
    FileStamp stamp = FileStamp.peek(old.file());
    if (stamp == null || !supersededReported.add(stamp)) {
      return;
    }
    PluginDescriptor winner =
        winners.stream().filter(w -> w.id().equals(old.id())).findFirst().orElse(null);
    host.events()
        .host(
            EventLevel.WARNING,
            HostEvents.aboutPlugin(old.id()),
            HResult.E_DUP_NAME,
            "plug-in '"
                + old.id()
                + "': "
                + old.file()
                + " (version "
                + old.version()
                + ") is superseded"
                + (winner == null
                    ? ""
                    : " by version " + winner.version() + " in " + winner.file().getFileName())
                + " and is not loaded. Fix: remove it from the plug-in folder (the host keeps a"
                + " copy of each version it replaces, for plugins rollback)");
  }

  /** A JAR with a new id: loaded, initialized, enabled per host.json, then offered. */
  private String add(PluginDescriptor d) {
    HostedPlugin p = host.startOne(d, nextGeneration());
    if (p == null) {
      markBroken(d.file());
      return "refused " + d.file().getFileName();
    }
    Map<String, HostedPlugin> next = new LinkedHashMap<>(host.current());
    next.put(d.id(), p);
    host.replaceAll(ordered(next));
    superseded.remove(d.file());
    host.forgetProblems(pr -> pr.pluginId().equals(d.id()) && pr.id().equals("plugin/missing"));
    boolean offered = p.isUsable();
    host.events()
        .host(
            offered || (p.status() & PluginStatus.ERROR) == 0
                ? EventLevel.INFORMATION
                : EventLevel.ERROR,
            HostEvents.aboutPlugin(d.id()),
            offered ? HResult.S_OK : p.errorCode(),
            "plug-in '"
                + d.id()
                + "' version "
                + d.version()
                + " dropped in as "
                + d.file()
                + " (sha256 "
                + p.stamp().sha256()
                + ") and loaded; "
                + (offered
                    ? "offered to clients"
                    : (p.status() & PluginStatus.ERROR) != 0
                        ? "not offered: " + p.errorText()
                        : "not enabled (host.json sets \"enabled\": false for it)"));
    return "added " + d.id() + " " + d.version() + (offered ? "" : " (not offered)");
  }

  /** The plug-ins in host.json's order, as at start. */
  private Map<String, HostedPlugin> ordered(Map<String, HostedPlugin> plugins) {
    List<String> order = host.config().plugins().order();
    List<HostedPlugin> sorted = new ArrayList<>(plugins.values());
    sorted.sort(
        java.util.Comparator.comparingInt(
                (HostedPlugin p) -> {
                  int i = order.indexOf(p.id());
                  return i < 0 ? Integer.MAX_VALUE : i;
                })
            .thenComparing(HostedPlugin::id));
    Map<String, HostedPlugin> result = new LinkedHashMap<>();
    sorted.forEach(p -> result.put(p.id(), p));
    return result;
  }

  /**
   * A new version of a plug-in in service: brought up beside it, and put in its place only once
   * ready. A new version that fails leaves the old one in service.
   */
  private String replace(HostedPlugin current, PluginDescriptor d) {
    HostedPlugin next = host.startOne(d, nextGeneration());
    boolean wanted = wantsEnabled(d.id());
    boolean ready =
        next != null
            && (next.status() & PluginStatus.ERROR) == 0
            && next.isLoaded()
            && (!wanted || next.isUsable());
    if (!ready) {
      String why =
          next == null
              ? lastProblem(d)
              : next.errorText().isEmpty()
                  ? PluginStatus.toString(next.status())
                  : next.errorText();
      if (next != null) {
        unload(next, false);
      }
      markBroken(d.file());
      host.events()
          .host(
              EventLevel.ERROR,
              HostEvents.aboutPlugin(d.id()),
              next == null ? HResult.E_FAIL : next.errorCode(),
              "plug-in '"
                  + d.id()
                  + "': version "
                  + d.version()
                  + " in "
                  + d.file()
                  + " failed to load or initialize ("
                  + why
                  + "); version "
                  + current.descriptor().version()
                  + " stays in service. Fix: correct the plug-in and copy the fixed JAR in (under"
                  + " another name, then rename it into place); the host tries the file again"
                  + " once it changes, or at plugins reload "
                  + d.id());
      return "kept " + d.id() + " " + current.descriptor().version() + ": " + why;
    }
    Kept kept = keep(current);
    Map<String, HostedPlugin> map = new LinkedHashMap<>(host.current());
    map.put(d.id(), next);
    host.replaceAll(map);
    superseded.remove(d.file());
    host.forgetProblems(pr -> pr.pluginId().equals(d.id()) && !broken.containsKey(pr.file()));
    if (kept != null && !sameBuild(current, next)) {
      // The same build loaded again (plugins reload ID after a hung call) is no earlier version:
      // the rollback point stays the one before.
      previous.put(d.id(), kept);
    }
    host.events()
        .host(
            EventLevel.INFORMATION,
            HostEvents.aboutPlugin(d.id()),
            HResult.S_OK,
            "plug-in '"
                + d.id()
                + "': version "
                + d.version()
                + " from "
                + d.file()
                + " (sha256 "
                + next.stamp().sha256()
                + ") replaced version "
                + current.descriptor().version()
                + "; new requests and handshakes go to "
                + d.version()
                + ", while "
                + current.descriptor().version()
                + " finishes the "
                + current.openSessions()
                + " session(s) it has open (at most "
                + drainTime().toSeconds()
                + " s) before it is unloaded"
                + (kept == null ? "" : "; a copy is kept as " + kept.copy() + " for rollback"));
    retire(current);
    Path oldFile = current.descriptor().file();
    if (!oldFile.equals(d.file()) && Files.exists(oldFile)) {
      // A newer version beside it: its file stays in the folder, never loaded again.
      noteSuperseded(current.descriptor(), List.of(d));
    }
    return "replaced "
        + d.id()
        + " "
        + current.descriptor().version()
        + " with "
        + d.version()
        + " (the old one draining)";
  }

  private static boolean sameBuild(HostedPlugin a, HostedPlugin b) {
    return a.descriptor().version().equals(b.descriptor().version())
        && a.stamp() != null
        && b.stamp() != null
        && !a.stamp().sha256().isEmpty()
        && a.stamp().sha256().equals(b.stamp().sha256());
  }

  /**
   * Whether a version of {@code id} brought into service is enabled: as the operator last set it
   * while the host runs, else per host.json. A plug-in the operator disabled stays disabled across
   * a replacement, a reload and a rollback.
   */
  boolean wantsEnabled(String id) {
    Boolean chosen = operatorEnabled.get(id);
    return chosen != null ? chosen : host.config().plugins().settingsOf(id).enabled();
  }

  /**
   * Runs the operator's enable or disable of {@code id} under the lock the swaps take, so that no
   * swap runs between it and the version it acts on, and records the choice for the versions that
   * come after.
   */
  <T> T operatorChoice(String id, boolean enabled, java.util.function.Supplier<T> change) {
    lock.lock();
    try {
      if (stopped) {
        throw new IllegalStateException("the plug-in host is stopping");
      }
      T result = change.get();
      operatorEnabled.put(id, enabled);
      return result;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs the host's own change of {@code id} (a shared state store's reset) under the same lock,
   * without recording it as the operator's choice: the versions that come after follow the
   * operator's, as before.
   */
  <T> T hostChange(String id, java.util.function.Supplier<T> change) {
    lock.lock();
    try {
      if (stopped) {
        throw new IllegalStateException("the plug-in host is stopping");
      }
      return change.get();
    } finally {
      lock.unlock();
    }
  }

  private String lastProblem(PluginDescriptor d) {
    List<PluginProblem> all = host.problems();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).pluginId().equals(d.id())) {
        return all.get(i).message();
      }
    }
    return "refused";
  }

  private void markBroken(Path file) {
    FileStamp stamp = FileStamp.peek(file);
    if (stamp != null) {
      broken.put(file, stamp);
    }
  }

  private Path keptFolder(String id) {
    return host.config().dataDirectory().resolve("plugin-versions").resolve(id);
  }

  /** A copy of the version's JAR (from its staged copy) in the data folder, or null. */
  private Kept keep(HostedPlugin p) {
    Path staged = p.stagedIn() == null ? null : p.stagedIn().resolve(p.id() + ".jar");
    if (staged == null || !Files.exists(staged)) {
      return null;
    }
    String fileName = p.descriptor().file().getFileName().toString();
    String hash = p.stamp() == null ? "" : p.stamp().sha256();
    Path copy =
        keptFolder(p.id())
            .resolve(
                p.descriptor().version()
                    + "-"
                    + hash.substring(0, Math.min(12, hash.length()))
                    + ".jar");
    try {
      Files.createDirectories(copy.getParent());
      if (!Files.exists(copy)) {
        Files.copy(staged, copy);
      }
      return new Kept(p.id(), p.descriptor().version(), copy, fileName);
    } catch (IOException e) {
      log.warn("could not keep a copy of {} for rollback", p, e);
      return null;
    }
  }

  private Duration drainTime() {
    return host.config().plugins().reload().drain();
  }

  /** Holds the version being retired only until it is unloaded: nothing else may keep it. */
  private static final class Retirement {
    private HostedPlugin plugin;
    private Scheduler.Scheduled timeout;

    Retirement(HostedPlugin plugin) {
      this.plugin = plugin;
    }

    synchronized HostedPlugin take() {
      HostedPlugin p = plugin;
      plugin = null;
      if (timeout != null) {
        timeout.cancel();
        timeout = null;
      }
      return p;
    }

    synchronized void timeout(Scheduler.Scheduled t) {
      if (plugin == null) {
        t.cancel();
      } else {
        timeout = t;
      }
    }
  }

  /** Drains {@code p} (already out of the map), then unloads it. */
  private void retire(HostedPlugin p) {
    draining.add(p);
    Retirement r = new Retirement(p);
    retirements.add(r);
    CompletableFuture<Void> drained = p.drain();
    drained.thenRun(() -> execute(() -> finish(r, false)));
    try {
      r.timeout(host.scheduler().schedule(() -> execute(() -> finish(r, true)), drainTime()));
    } catch (IllegalStateException stopping) {
      // The host is stopping: it unloads every version itself.
    }
    // After this change, off its lock: the contexts kept for idle connections are released now
    // (their clients' next requests go to the version in service), not at the drain time.
    execute(p::drainBegun);
  }

  private void finish(Retirement r, boolean timedOut) {
    lock.lock();
    try {
      if (stopped) {
        return;
      }
      retirements.remove(r);
      HostedPlugin p = r.take();
      if (p == null) {
        return;
      }
      List<AuthenticationSession> left = p.endDrain();
      if (!left.isEmpty()) {
        host.events()
            .host(
                EventLevel.WARNING,
                HostEvents.aboutPlugin(p.id()),
                HResult.E_ABORT,
                "plug-in '"
                    + p.id()
                    + "' version "
                    + p.descriptor().version()
                    + " still had "
                    + left.size()
                    + " session(s) open when its drain time ("
                    + drainTime().toSeconds()
                    + " s, plugins.drainSeconds) ran out: a connection whose handshake is bound"
                    + " to one is closed, a context kept for a connection whose request was"
                    + " still running is released (the connection stays; an idle one's was"
                    + " released when the drain began), and their clients log on again with the"
                    + " version in service");
        left.forEach(AuthenticationSession::drainTimedOut);
      }
      unload(p, true);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Disables, shuts down and unloads one version, then checks that its class loader goes.
   *
   * @param served whether it was in service (an event says it is gone; a new version that failed
   *     was never offered)
   */
  private void unload(HostedPlugin p, boolean served) {
    String id = p.id();
    String version = p.descriptor().version();
    long generation = p.generation();
    Set<HostedPlugin> abandoned =
        new BoundedStop(
                host.guard(), host.events(), "unloading version " + version + " of '" + id + "'")
            .disableAndShutDown(List.of(p));
    host.eventLog().unregister(p);
    // Handles are owned by the id: they are closed only once no version of it is left, never
    // under another version (current or still draining) that issued its own.
    if (!host.current().containsKey(id)
        && draining.stream().noneMatch(other -> other != p && other.id().equals(id))) {
      int leaked = host.tokens().closeAllOwnedBy(id);
      if (leaked > 0) {
        log.info("{} left {} token handle(s) open at unload; the host closed them", p, leaked);
      }
    }
    p.unloaded();
    draining.remove(p);
    host.forgetOffer();
    PluginClassLoader loader = p.classLoader();
    Path staged = p.stagedIn();
    boolean stuck = abandoned.contains(p);
    if (!stuck && loader != null) {
      try {
        loader.close();
      } catch (IOException e) {
        log.debug("closing the class loader of {}", p, e);
      }
      try {
        if (staged != null) {
          PluginStaging.deleteTree(staged);
        }
      } catch (IOException e) {
        log.debug("deleting {}", staged, e);
      }
    }
    if (served) {
      host.events()
          .host(
              EventLevel.INFORMATION,
              HostEvents.aboutPlugin(id),
              HResult.S_OK,
              "plug-in '" + id + "' version " + version + " unloaded");
    }
    Duration budget = host.config().plugins().reload().unloadCheck();
    if (stuck || loader == null || budget.isZero()) {
      return;
    }
    // Completes once the WARNING, if any, is written.
    CompletableFuture<List<String>> check =
        UnloadCheck.start(loader, budget)
            .thenApply(holders -> reportLeak(id, version, budget, holders));
    unloadChecks.put(id + "#" + generation, check);
  }

  private List<String> reportLeak(
      String id, String version, Duration budget, List<String> holders) {
    if (holders.isEmpty()) {
      log.info("the class loader of '{}' version {} was collected", id, version);
      return holders;
    }
    if (stopped) {
      // The host stopped meanwhile, its event log with it: the process log keeps the finding.
      log.warn("the class loader of '{}' version {} is still reachable: {}", id, version, holders);
      return holders;
    }
    host.events()
        .host(
            EventLevel.WARNING,
            HostEvents.aboutPlugin(id),
            HResult.E_HANDLE,
            "plug-in '"
                + id
                + "' version "
                + version
                + " was unloaded, but its class loader is still reachable "
                + budget.toSeconds()
                + " s later (a memory leak that grows with every reload): "
                + String.join("; ", holders)
                + ". Fix: in ShutdownPlugin, stop and join every thread the plug-in started"
                + " and remove what it put in places the JDK keeps (System properties,"
                + " shutdown hooks, DriverManager, ThreadLocals)");
    return holders;
  }
}
