package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.StreamingTools;

/**
 * One curl run as a client types it: the status of each transfer (the last is {@link #status()}),
 * the first transfer's body, and what curl sent and received ({@code -v}), so a test can count the
 * challenges that reached the client.
 */
record CurlRun(List<Integer> statuses, String body, String verbose) {
  private static final Duration BOUND = Duration.ofSeconds(30);

  static CurlRun run(Path dir, String... args) throws Exception {
    return run(dir, Map.of(), args);
  }

  static CurlRun run(Path dir, Map<String, String> env, String... args) throws Exception {
    Path body = Files.createTempFile(dir, "curl-body", ".out");
    Path trace = Files.createTempFile(dir, "curl-trace", ".out");
    List<String> command =
        new ArrayList<>(
            List.of(
                StreamingTools.curl().toString(),
                "-q",
                "-s",
                "-S",
                "-v",
                "--max-time",
                "20",
                "-o",
                body.toString(),
                "--stderr",
                trace.toString(),
                "-w",
                "%{http_code}\n"));
    command.addAll(List.of(args));
    BoundedProcess.Exit exit = BoundedProcess.run(dir, env, BOUND, command);
    String verbose = Files.readString(trace);
    assertEquals(0, exit.status(), String.join(" ", command) + "\n" + exit.output() + verbose);
    List<Integer> statuses =
        exit.output().lines().map(String::strip).map(Integer::valueOf).toList();
    return new CurlRun(statuses, Files.readString(body), verbose);
  }

  /** The status of the last transfer. */
  int status() {
    return statuses.get(statuses.size() - 1);
  }

  /** The request headers curl sent that start with {@code prefix}, in order. */
  List<String> sent(String prefix) {
    return verbose
        .lines()
        .filter(l -> l.regionMatches(true, 0, "> " + prefix, 0, prefix.length() + 2))
        .map(l -> l.substring(2).strip())
        .toList();
  }

  /** The response headers curl received that start with {@code prefix}, in order. */
  List<String> received(String prefix) {
    return verbose
        .lines()
        .filter(l -> l.regionMatches(true, 0, "< " + prefix, 0, prefix.length() + 2))
        .map(l -> l.substring(2).strip())
        .toList();
  }
}
