package org.authhost.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator gets it, after {@code package}: the build's folder {@code
 * host/target/authhost/} and its tarball, unpacked elsewhere and run through a link from an
 * unrelated working folder, with nothing of the checkout in reach but what the distribution holds.
 */
class DistributionIT {
  private static final long BOUND_SECONDS = 90;

  @TempDir Path root;

  private Process host;

  @AfterEach
  void kill() {
    if (host != null) {
      host.destroyForcibly();
    }
  }

  private static Path dist() {
    return Path.of(System.getProperty("authhost.test.dist", "../host/target/authhost"));
  }

  private static Path checkout() {
    return Path.of(System.getProperty("authhost.test.checkout", ".."));
  }

  private static Path tarball() {
    return Path.of(System.getProperty("authhost.test.tarball"));
  }

  @Test
  void theFolderHoldsTheLauncherTheShippedConfigurationAndTheDocumentsAndTheTarballTheSame()
      throws Exception {
    Path dist = dist();
    Path launcher = dist.resolve("bin/authhost");
    assertTrue(Files.isExecutable(launcher), launcher.toString());
    assertFalse(Files.readString(launcher).contains("mvnw"), "the launcher builds nothing");
    for (String file :
        List.of(
            "lib/authhost-host.jar",
            "lib/authhost-host-agent.jar",
            "plugins/authhost-plugin-anonymous.jar",
            "plugins/authhost-plugin-negotiate.jar",
            "plugins/authhost-plugin-signed-url.jar",
            "plugins/authhost-plugin-bearer.jar",
            "sdk/authhost-api.jar")) {
      assertTrue(Files.isRegularFile(dist.resolve(file)), file);
    }
    assertSameContent(checkout().resolve("config/host.json"), dist.resolve("config/host.json"));
    assertSameContent(checkout().resolve("README.md"), dist.resolve("README.md"));
    // README's RTSP "Try it" runs it from the distribution's folder as from the checkout's.
    assertSameContent(
        checkout().resolve("samples/rtsp-origin/origin.py"),
        dist.resolve("samples/rtsp-origin/origin.py"));
    List<Path> docs;
    try (Stream<Path> walk = Files.walk(checkout().resolve("docs"))) {
      docs = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(docs.size() > 2, docs.toString());
    for (Path doc : docs) {
      assertSameContent(doc, dist.resolve(checkout().relativize(doc)));
    }

    // The tarball: the same files under authhost-VERSION/, the launcher still executable, and no
    // data of a host that was run from the build's folder.
    String top = tarball().getFileName().toString().replace(".tar.gz", "") + "/";
    Map<String, String> entries = new TreeMap<>();
    for (String line : run(root, Map.of(), "tar", "-tvzf", tarball().toString()).out()) {
      String[] fields = line.split("\\s+");
      String name = fields[fields.length - 1];
      assertTrue(name.startsWith(top), name);
      if (!name.endsWith("/")) {
        entries.put(name.substring(top.length()), fields[0]);
      }
    }
    Set<String> files = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(dist)) {
      walk.filter(Files::isRegularFile)
          .map(p -> dist.relativize(p).toString())
          .filter(p -> !p.startsWith("var/"))
          .forEach(files::add);
    }
    assertEquals(files, entries.keySet());
    assertEquals("-rwxr-xr-x", entries.get("bin/authhost"));
  }

  @Test
  void theUnpackedTarballRunsThroughALinkFromAnyFolderOnItsOwnConfigurationAndKeepsItsDataInVar()
      throws Exception {
    Path unpacked = Files.createDirectories(root.resolve("opt"));
    run(root, Map.of(), "tar", "-xzf", tarball().toString(), "-C", unpacked.toString());
    Path home;
    try (Stream<Path> list = Files.list(unpacked)) {
      // Real: the launcher names its folder by its physical path (cd -P).
      home = list.findFirst().orElseThrow().toRealPath();
    }
    // A relative link in a folder of links, as /usr/local/bin/authhost would be.
    Path links = Files.createDirectories(root.resolve("usr/bin"));
    Path link = links.resolve("authhost");
    Files.createSymbolicLink(link, links.relativize(home.resolve("bin/authhost")));
    Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    // The tests' own run folder for the admin endpoint file, not the user's home; the test's JDK.
    Map<String, String> env =
        Map.of(
            "AUTHHOST_JAVA_OPTS",
            "-Dauthhost.runDirectory=" + root.resolve("run"),
            "JAVA_HOME",
            javaHome().toString());

    Ran help = run(elsewhere, env, link.toString(), "--help");
    assertEquals(0, help.code(), help.toString());
    assertTrue(
        !help.out().isEmpty() && help.out().get(0).startsWith("Usage: authhost"), help.toString());

    // The shipped configuration as it is, but for its fixed port, which another program on the
    // machine may hold: 0 picks a free one, which the host prints.
    Path json = home.resolve("config/host.json");
    String shipped = Files.readString(json);
    assertEquals(1, shipped.split("\"port\": 8080", -1).length - 1, shipped);
    Files.writeString(json, shipped.replace("\"port\": 8080", "\"port\": 0"));

    ProcessBuilder start = new ProcessBuilder(link.toString(), "run").directory(elsewhere.toFile());
    start.environment().remove("AUTHHOST_DEFAULT_CONFIG");
    start.environment().putAll(env);
    host = start.redirectError(root.resolve("host.err").toFile()).start();
    List<String> banner = readUntilReady(host);
    String serving =
        banner.stream().filter(l -> l.contains("serving http http://")).findFirst().orElseThrow();
    int port = Integer.parseInt(serving.replaceAll(".*:(\\d+)\\s*$", "$1"));
    assertTrue(
        banner.stream().anyMatch(l -> l.contains("(config " + home.resolve("config") + ",")),
        "the distribution's own config/: " + banner);

    // The data folder is the distribution's var/ ("dataDirectory": "../var"), beside lib/.
    Files.createDirectories(home.resolve("var/media"));
    Files.writeString(home.resolve("var/media/hello.txt"), "hello\n");
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(BOUND_SECONDS))
            .build();
    HttpResponse<String> slash = get(http, port, "/");
    assertEquals(404, slash.statusCode());
    assertEquals("no publishing point here", slash.body().strip());
    HttpResponse<String> vod = get(http, port, "/vod/hello.txt");
    assertEquals(200, vod.statusCode(), vod.body());
    assertEquals("hello\n", vod.body());
    assertEquals(401, get(http, port, "/private/hello.txt").statusCode());
    assertTrue(Files.isRegularFile(home.resolve("var/accounts.json")));

    Ran plugins = run(elsewhere, env, link.toString(), "plugins");
    assertEquals(0, plugins.code(), plugins.toString());
    for (String id : List.of("anonymous", "digest", "ntlm", "basic")) {
      assertTrue(
          plugins.out().stream().anyMatch(l -> l.startsWith(id) && l.contains("LOADED|ENABLED")),
          plugins.toString());
    }
    for (String id : List.of("negotiate", "signed-url", "bearer")) { // shipped, not enabled
      assertTrue(
          plugins.out().stream().anyMatch(l -> l.startsWith(id) && l.contains("LOADED (")),
          plugins.toString());
    }

    host.destroy();
    assertTrue(host.waitFor(BOUND_SECONDS, TimeUnit.SECONDS), "the host stops on SIGTERM");
    try (Stream<Path> list = Files.list(elsewhere)) {
      assertEquals(List.of(), list.toList(), "nothing written into the working folder");
    }
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      // Besides the JARs, only what the build wrote: the built-in plug-ins' hashes.
      assertTrue(
          lib.allMatch(
              p ->
                  p.getFileName().toString().endsWith(".jar")
                      || p.getFileName().toString().equals("builtin-plugins.sha256")),
          "no data in lib/");
    }
  }

  @Test
  void theCheckoutsLauncherRunsTheDistributionsOnTheCheckoutsConfiguration() throws Exception {
    // No host runs on it (the run folder is the test's own): the answer names the configuration.
    Map<String, String> env =
        Map.of(
            "AUTHHOST_NO_BUILD",
            "1",
            "AUTHHOST_JAVA_OPTS",
            "-Dauthhost.runDirectory=" + root.resolve("run"));
    Path launcher = checkout().resolve("authhost").toAbsolutePath();
    assertTrue(
        Files.readString(launcher).contains("exec \"$LAUNCHER\""), "one launcher logic, not two");

    Ran plugins = run(root, env, launcher.toString(), "plugins");

    assertEquals(2, plugins.code(), plugins.toString());
    String config = checkout().resolve("config").toAbsolutePath().normalize().toString();
    assertTrue(
        plugins.err().stream().anyMatch(l -> l.contains("for configuration " + config + " (")),
        plugins.toString());
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(BOUND_SECONDS))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Path javaHome() {
    return Path.of(System.getProperty("java.home"));
  }

  private static void assertSameContent(Path expected, Path actual) throws IOException {
    assertTrue(Files.isRegularFile(actual), actual + " is missing");
    assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual.toString());
  }

  /** The banner up to the "ready" line, within a bound whatever the process does. */
  private List<String> readUntilReady(Process process) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
    CompletableFuture<List<String>> ready =
        CompletableFuture.supplyAsync(
            () -> {
              List<String> lines = new ArrayList<>();
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  lines.add(line);
                  if (line.contains(" ready in ")) {
                    return lines;
                  }
                }
              } catch (IOException e) {
                lines.add(e.toString());
              }
              throw new AssertionError("the host ended before it was ready: " + lines);
            });
    try {
      return ready.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(
          "host not ready within "
              + BOUND_SECONDS
              + " s: "
              + Files.readString(root.resolve("host.err")),
          e);
    }
  }

  private record Ran(int code, List<String> out, List<String> err) {}

  /** Runs a short-lived command; its output is read in full, its end awaited within the bound. */
  private Ran run(Path directory, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().remove("AUTHHOST_DEFAULT_CONFIG");
    builder.environment().putAll(env);
    Path err = Files.createTempFile(root, "err", ".txt");
    Process process = builder.redirectError(err.toFile()).start();
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), UTF_8);
              } catch (IOException e) {
                return e.toString();
              }
            });
    if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end");
    }
    return new Ran(
        process.exitValue(),
        out.get(BOUND_SECONDS, TimeUnit.SECONDS).lines().collect(Collectors.toList()),
        Files.readAllLines(err));
  }
}
