package org.authhost.host.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;

/**
 * A host running as a process of its own, as an operator runs it ({@code authhost run --config
 * DIR}, through {@link TestHosts#hostCommand}): its own configuration folder, data folder and event
 * log, on a free loopback port ({@code "http": {"port": 0}}; the port is read from the banner). For
 * what one JVM cannot show: two hosts that share nothing but what the configuration says they share
 * (a Redis, an account file).
 *
 * <p>Its standard output is read by a thread of its own (a full pipe would stall the host) into
 * {@link #output()} and {@code stdout.log} beside the configuration folder; standard error goes to
 * {@code stderr.log}. It is stopped by its process id: {@link #close()} sends SIGTERM, waits for
 * the host's own bounded stop, and kills it (with its children) only past that; a shutdown hook
 * kills it should the test JVM end first, so no host outlives the build.
 */
public final class HostProcess implements AutoCloseable {
  /** How long a host may take to get ready on a machine shared with several builds. */
  private static final Duration READY_BOUND = Duration.ofSeconds(120);

  /** The host stops itself within 10 s; the rest is room for a busy machine. */
  private static final Duration STOP_BOUND = Duration.ofSeconds(40);

  private static final Pattern SERVING = Pattern.compile("serving http http://([^:/]+):(\\d+)");

  private final String name;
  private final Path config;
  private final HostConfig hostConfig;
  private final Process process;
  private final Thread killOnExit;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile int port;

  private HostProcess(String name, Path config, HostConfig hostConfig, Process process) {
    this.name = name;
    this.config = config;
    this.hostConfig = hostConfig;
    this.process = process;
    this.killOnExit = new Thread(this::killNow, "kill host " + name);
  }

  /**
   * Starts a host on the configuration folder {@code config} (its host.json and everything it names
   * must be in place) and waits until it says it is ready.
   *
   * @param name how the test calls it ("A", "B"), in messages and thread names
   * @param jvmOptions added before the main class (e.g. {@code -Xmx256m})
   * @throws AssertionError naming its output when it exits or is not ready within its bound
   */
  public static HostProcess start(String name, Path config, String... jvmOptions) throws Exception {
    return start(name, config, List.of(), jvmOptions);
  }

  /** {@link #start(String, Path, String...)} with {@code arguments} after {@code run --config}. */
  public static HostProcess start(
      String name, Path config, List<String> arguments, String... jvmOptions) throws Exception {
    HostConfig hostConfig = ConfigLoader.load(config);
    Path logs = config.toAbsolutePath().getParent();
    List<String> command = new ArrayList<>();
    List<String> options = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    options.addAll(List.of(jvmOptions));
    command.addAll(TestHosts.hostCommand(config, options.toArray(String[]::new)));
    command.addAll(arguments);
    Process process =
        new ProcessBuilder(command)
            .redirectError(logs.resolve("stderr.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    HostProcess host = new HostProcess(name, config, hostConfig, process);
    Runtime.getRuntime().addShutdownHook(host.killOnExit);
    host.readOutput(logs.resolve("stdout.log"));
    try {
      host.awaitReady();
    } catch (Throwable notReady) {
      host.close();
      throw notReady;
    }
    return host;
  }

  private void readOutput(Path copy) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  var file = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  output.add(line);
                  file.write(line);
                  file.newLine();
                  file.flush();
                  Matcher serving = SERVING.matcher(line);
                  if (serving.find() && port == 0) {
                    port = Integer.parseInt(serving.group(2));
                  }
                  if (line.contains(" ready in ")) {
                    ready.countDown();
                  }
                }
              } catch (IOException closed) {
                // The process ended: what it wrote is in output.
              } finally {
                ready.countDown();
              }
            },
            "host " + name + " stdout");
    reader.setDaemon(true);
    reader.start();
  }

  private void awaitReady() throws Exception {
    boolean signalled = ready.await(READY_BOUND.toSeconds(), TimeUnit.SECONDS);
    if (!signalled || port == 0 || !process.isAlive()) {
      throw new AssertionError(
          "host "
              + name
              + (signalled ? " exited before it was ready" : " not ready within " + READY_BOUND)
              + "; its output:\n"
              + String.join("\n", output)
              + "\nstderr:\n"
              + stderr());
    }
  }

  public String name() {
    return name;
  }

  /** Its plain HTTP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Its configuration folder, for the command line ({@code --config}). */
  public Path config() {
    return config;
  }

  /** Its configuration as the host read it at start. */
  public HostConfig hostConfig() {
    return hostConfig;
  }

  /** What it wrote on standard output so far, line by line. */
  public List<String> output() {
    return List.copyOf(output);
  }

  /** What it wrote on standard error so far. */
  public String stderr() {
    try {
      return Files.readString(config.toAbsolutePath().getParent().resolve("stderr.log"));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The records of its event log that match, read from its files as {@code authhost events}. */
  public List<EventRecord> events(EventQuery query) {
    return EventLogStore.openReader(hostConfig.eventLog().directory()).query(query);
  }

  /** The records after record number {@code after} that {@code wanted} accepts. */
  public List<EventRecord> events(long after, Predicate<EventRecord> wanted) {
    return events(EventQuery.all().withAfterRecordNumber(after)).stream().filter(wanted).toList();
  }

  /** The number of its newest event, to look only at what comes after it. */
  public long lastEventNumber() {
    return EventLogStore.openReader(hostConfig.eventLog().directory()).lastRecordNumber();
  }

  /**
   * Waits until an event after record {@code after} is one that {@code wanted} accepts: the event
   * log is another process's file, so it is read again until it is there, at most {@code bound}.
   *
   * @throws AssertionError listing the events it did see
   */
  public EventRecord awaitEvent(long after, Predicate<EventRecord> wanted, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      List<EventRecord> found = events(after, wanted);
      if (!found.isEmpty()) {
        return found.get(0);
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError(
            "host "
                + name
                + (process.isAlive() ? "" : " (exited)")
                + ": no such event within "
                + bound
                + "; after record "
                + after
                + " it logged:\n"
                + String.join(
                    "\n",
                    events(EventQuery.all().withAfterRecordNumber(after)).stream()
                        .map(EventRecord::toString)
                        .toList()));
      }
      // Another process's file: nothing to wait on but the next look.
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /**
   * Stops it as an operator's service manager does (SIGTERM) and waits for its exit.
   *
   * @return its exit status
   * @throws AssertionError when it was still running after {@link #STOP_BOUND} (it is killed)
   */
  public int stop() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    if (!process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)) {
      killNow();
      throw new AssertionError("host " + name + " did not stop within " + STOP_BOUND);
    }
    forgetHook();
    return process.exitValue();
  }

  /** Stops it if it still runs (SIGTERM, then SIGKILL past the bound). */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
      if (!process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)) {
        killNow();
      }
    }
    forgetHook();
  }

  private void killNow() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forgetHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it finds the process gone.
    }
  }

  @Override
  public String toString() {
    return "host " + name + " (pid " + process.pid() + ", port " + port + ")";
  }
}
