package org.authhost.host.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;

/**
 * Time from {@code run} to ready with five plug-ins (the built-in Anonymous and four test plug-ins,
 * each a real JAR in its own class loader), over several fresh host processes. Reports the host's
 * own figure (from entering {@code run} to ready, as it prints it) and the wall-clock time from
 * process spawn, which adds JVM start-up.
 *
 * <p>Run: {@code host/bench StartupBenchmark [runs]}.
 */
public final class StartupBenchmark {
  private static final Pattern READY = Pattern.compile("ready in (\\d+) ms");

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path root = Files.createTempDirectory("startup-bench");
    Path plugins = root.resolve("plugins");
    Files.createDirectories(plugins);
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"), plugins.resolve("anonymous.jar"));
    for (int i = 1; i <= 4; i++) {
      PluginJar.of("p" + i, "org.authhost.testplugins.TestPlugin")
          .writeTo(plugins, "p" + i + ".jar");
    }
    Path config = TestHosts.configFolder(root, "");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Long> hostMillis = new ArrayList<>();
    List<Long> wallMillis = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      long spawned = System.nanoTime();
      Process host =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  "org.authhost.host.Main",
                  "run",
                  "--config",
                  config.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        int loaded = 0;
        while ((line = out.readLine()) != null) {
          if (line.contains("LOADED|ENABLED")) {
            loaded++;
          }
          Matcher m = READY.matcher(line);
          if (m.find()) {
            wallMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawned));
            hostMillis.add(Long.parseLong(m.group(1)));
            if (loaded != 5) {
              throw new IllegalStateException("expected 5 enabled plug-ins, saw " + loaded);
            }
            break;
          }
        }
      } finally {
        host.destroy();
        host.waitFor(20, TimeUnit.SECONDS);
      }
    }
    System.out.printf(
        "five plug-ins, %d runs: host run->ready median %d ms (min %d, max %d); "
            + "process spawn->ready median %d ms (min %d, max %d)%n",
        runs,
        median(hostMillis),
        Collections.min(hostMillis),
        Collections.max(hostMillis),
        median(wallMillis),
        Collections.min(wallMillis),
        Collections.max(wallMillis));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
