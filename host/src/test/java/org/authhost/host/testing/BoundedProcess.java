package org.authhost.host.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A tool the tests start (curl, ffmpeg, ffprobe) with every wait bounded: its output (stdout and
 * stderr together) goes to a file, not a pipe, so that waiting for the exit never depends on
 * someone reading; one that outlives its bound is killed, with its children.
 */
public final class BoundedProcess implements AutoCloseable {
  private final List<String> command;
  private final Process process;
  private final Path output;
  private final long startedNanos = System.nanoTime();

  private BoundedProcess(List<String> command, Process process, Path output) {
    this.command = command;
    this.process = process;
    this.output = output;
  }

  /** What a finished run left: its exit status, output and how long it ran. */
  public record Exit(int status, String output, Duration took) {}

  /**
   * Starts {@code command} with {@code env} added to this JVM's environment, standard input from
   * /dev/null, and its output in a new file of {@code dir}.
   */
  public static BoundedProcess start(Path dir, Map<String, String> env, List<String> command)
      throws IOException {
    Path output = Files.createTempFile(dir, Path.of(command.get(0)).getFileName() + "-", ".out");
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(output.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return new BoundedProcess(command, pb.start(), output);
  }

  /** Runs {@code command} to its end, at most {@code bound}. */
  public static Exit run(Path dir, Duration bound, List<String> command) throws Exception {
    return run(dir, Map.of(), bound, command);
  }

  public static Exit run(Path dir, Map<String, String> env, Duration bound, List<String> command)
      throws Exception {
    try (BoundedProcess p = start(dir, env, command)) {
      return p.awaitExit(bound);
    }
  }

  /**
   * Waits for the exit, at most {@code bound}.
   *
   * @throws AssertionError naming the command and its output when it is still running then (it is
   *     killed)
   */
  public Exit awaitExit(Duration bound) throws Exception {
    if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new AssertionError(
          String.join(" ", command)
              + " did not end within "
              + bound.toSeconds()
              + " s and was killed; its output:\n"
              + output());
    }
    return new Exit(
        process.exitValue(), output(), Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The output so far. */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }

  private void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
  }

  /** Kills it if it still runs. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
