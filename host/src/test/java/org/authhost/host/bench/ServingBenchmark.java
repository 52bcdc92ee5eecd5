package org.authhost.host.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.slf4j.LoggerFactory;

/**
 * Serving throughput with authentication against the same file served with none. Builds a real host
 * in a temporary folder (the built-in Anonymous and Basic plug-in JARs, account {@code alice}, HTTP
 * on 127.0.0.1) with two publishing points over one folder holding a 1 KiB file: {@code /anon/}
 * (server plug-ins, Anonymous first, default ACL) and {@code /basic/} (Basic only). The bare test
 * front ({@code TestFront}: Netty, SafePath and FileResponder, no authentication) serves the same
 * file as the baseline. {@link LoadTool} then drives each in turn, in this process, with keep-alive
 * connections, one request in flight each.
 *
 * <p>Everything shares one JVM and the machine's cores, so a first pass over the three targets (not
 * reported) warms the JIT, and the three are then measured in turn for several rounds; the table
 * gives medians over the rounds, each authenticated rate as a percentage of the unauthenticated
 * rate of the same round, and the CPU time per request of the server side (the process minus the
 * client's event loops, GC and JIT included) and of the client.
 *
 * <p>Each connection comes from its own loopback address (127.0.0.1, 127.0.0.2, ...) by default, as
 * from as many clients: the host caps the credential checks one address may have in progress (16),
 * and 64 connections from one address would measure that cap's 429 answers instead.
 *
 * <p>Run: {@code host/bench ServingBenchmark [concurrency=64] [duration=5s] [warmup=2s] [rounds=3]
 * [sources=concurrency] [targets]}. With {@code -Dauthhost.bench.compareDigestJar=<jar>} another
 * build of the Digest plug-in serves {@code /digestcompare/} and is measured as {@code
 * digest-compare} in the same rounds, so that a before/after comparison shares its rounds, and the
 * machine's noise, with its baseline.
 */
public final class ServingBenchmark {
  private static final String FILE = "small.txt";
  private static final int FILE_BYTES = 1024;
  private static final String PASSWORD = "bench-Pa55word";

  /**
   * System property: the path of another build's Digest plug-in JAR. Adds the target {@code
   * digest-compare} (served by that JAR) next to {@code digest}, measured in the same rounds.
   */
  static final String COMPARE_DIGEST_JAR = "authhost.bench.compareDigestJar";

  private ServingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    String duration = args.length > 1 ? args[1] : "5s";
    String warmup = args.length > 2 ? args[2] : "2s";
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int sources = args.length > 4 ? Integer.parseInt(args[4]) : concurrency;
    quietLogging();
    Path root = Files.createTempDirectory("serving-bench");
    AuthHost host = null;
    AutoCloseable front = null;
    int status = 0;
    try {
      Path media = Files.createDirectories(root.resolve("media"));
      byte[] body = new byte[FILE_BYTES];
      Random random = new Random(1);
      for (int i = 0; i < body.length; i++) {
        body[i] = (byte) ('a' + random.nextInt(26));
      }
      Files.write(media.resolve(FILE), body);

      Path plugins = Files.createDirectories(root.resolve("plugins"));
      Files.copy(
          PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"),
          plugins.resolve("anonymous.jar"));
      Files.copy(
          PluginJar.builtinPlugin("authhost-plugin-basic.jar"), plugins.resolve("basic.jar"));
      Files.copy(
          PluginJar.builtinPlugin("authhost-plugin-digest.jar"), plugins.resolve("digest.jar"));
      // A second Digest plug-in from another build, for a before/after comparison in the same
      // rounds.
      String compareJar = System.getProperty(COMPARE_DIGEST_JAR);
      if (compareJar != null) {
        Path copy = Files.copy(Path.of(compareJar), plugins.resolve("digestcompare.jar"));
        // A plug-in's id is in its JAR: the copy needs its own.
        try (var jar = FileSystems.newFileSystem(copy)) {
          Path properties = jar.getPath("META-INF/authhost-plugin.properties");
          Files.writeString(
              properties,
              Files.readString(properties).replace("id=digest\n", "id=digestcompare\n"));
        }
      }
      Path config = Files.createDirectories(root.resolve("config"));
      String comparePlugin = compareJar == null ? "" : ", \"digestcompare\"";
      String comparePoint =
          compareJar == null
              ? ""
              : ",\n    { \"name\": \"digestcompare\", \"prefix\": "
                  + "\"/digestcompare/\", \"directory\": \"../media\", \"plugins\": [\"digestcompare\"] }";
      Files.writeString(
          config.resolve("host.json"),
          """
          {
            "serverName": "benchhost",
            "dataDirectory": "../var",
            "plugins": { "directory": "../plugins", "order": ["anonymous", "basic", "digest"%s] },
            "http": { "bindAddress": "127.0.0.1", "port": 0 },
            "publishingPoints": [
              { "name": "anon", "prefix": "/anon/", "directory": "../media" },
              { "name": "basic", "prefix": "/basic/", "directory": "../media", "plugins": ["basic"] },
              { "name": "digest", "prefix": "/digest/", "directory": "../media", "plugins": ["digest"] }%s
            ]
          }
          """
              .formatted(comparePlugin, comparePoint));
      TestHosts.addAccount(config, "alice", PASSWORD);

      host = AuthHost.create(ConfigLoader.load(config));
      host.start();
      quietLogging();
      int port = host.http().plainPort();
      front = testFront(media);
      int frontPort = (Integer) field(front, "port");

      String unauthenticated = "http://127.0.0.1:" + frontPort + "/files/" + FILE;
      String anonymous = "http://127.0.0.1:" + port + "/anon/" + FILE;
      String basic = "http://127.0.0.1:" + port + "/basic/" + FILE;
      String digest = "http://127.0.0.1:" + port + "/digest/" + FILE;
      String credentials = "alice:" + PASSWORD;
      check(unauthenticated, null, 200, body);
      check(anonymous, null, 200, body);
      check(basic, null, 401, null);
      check(basic, credentials, 200, body);
      check(digest, null, 401, null);

      System.out.printf(
          Locale.ROOT,
          "ServingBenchmark: %d cores, %s %s, %d-byte file, concurrency %d, "
              + "%d source addresses, %d rounds of warm-up %s + %s measured per target%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name"),
          System.getProperty("java.version"),
          FILE_BYTES,
          concurrency,
          sources,
          rounds,
          warmup,
          duration);
      String[][] targets = {
        {"unauthenticated", unauthenticated, null},
        {"anonymous", anonymous, null},
        {"basic", basic, credentials},
        // One nonce per connection, reused with nc 1, 2, 3...: how keep-alive clients use Digest.
        {"digest", digest, "digest:" + credentials},
        {
          "digest-compare",
          "http://127.0.0.1:" + port + "/digestcompare/" + FILE,
          "digest:" + credentials
        }
      };
      if (compareJar == null) {
        targets = Arrays.copyOf(targets, targets.length - 1);
      }
      if (args.length > 5) {
        // Only the named targets (the first, unauthenticated, always stays as the baseline).
        Set<String> only = Set.of(args[5].split(","));
        targets =
            Arrays.stream(targets)
                .filter(t -> t[0].equals("unauthenticated") || only.contains(t[0]))
                .toArray(String[][]::new);
      }
      System.out.println("JIT warm-up pass (not reported)...");
      for (String[] t : targets) {
        load(t[0], t[1], t[2], concurrency, sources, "3s", "0s", false);
      }
      List<List<LoadTool.Result>> byTarget = new ArrayList<>();
      for (String[] t : targets) {
        byTarget.add(new ArrayList<>());
      }
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < targets.length; i++) {
          prime(targets[i][1], targets[i][2]);
          byTarget
              .get(i)
              .add(
                  load(
                      targets[i][0],
                      targets[i][1],
                      targets[i][2],
                      concurrency,
                      sources,
                      duration,
                      warmup,
                      true));
        }
      }
      status = table(byTarget);
    } finally {
      if (host != null) {
        host.stop();
      }
      if (front != null) {
        front.close();
      }
      delete(root);
    }
    System.exit(status);
  }

  private static LoadTool.Result load(
      String label,
      String url,
      String user,
      int concurrency,
      int sources,
      String duration,
      String warmup,
      boolean print)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--label",
                label,
                "--url",
                url,
                "--concurrency",
                Integer.toString(concurrency),
                "--sources",
                Integer.toString(sources),
                "--duration",
                duration,
                "--warmup",
                warmup));
    if (user != null && user.startsWith("digest:")) {
      args.addAll(List.of("--digest", user.substring("digest:".length())));
    } else if (user != null) {
      args.addAll(List.of("--user", user));
    }
    LoadTool.Result r = LoadTool.run(LoadTool.Options.parse(args.toArray(String[]::new)));
    if (print) {
      System.out.println(r.line());
    }
    return r;
  }

  /** Prints the table of medians; 1 when a run had errors or non-2xx answers. */
  private static int table(List<List<LoadTool.Result>> byTarget) {
    List<LoadTool.Result> base = byTarget.get(0);
    System.out.println();
    System.out.println(
        "| scenario        |   req/s | vs unauth. |     p50 |     p99 |   p99.9 | server CPU/req "
            + "| client CPU/req | non-2xx |");
    System.out.println(
        "|-----------------|--------:|-----------:|--------:|--------:|--------:|---------------:"
            + "|---------------:|--------:|");
    int status = 0;
    List<String> verdicts = new ArrayList<>();
    for (List<LoadTool.Result> runs : byTarget) {
      List<Double> ratios = new ArrayList<>();
      for (int round = 0; round < runs.size(); round++) {
        ratios.add(100 * runs.get(round).rps() / base.get(round).rps());
      }
      double ratio = median(ratios);
      System.out.printf(
          Locale.ROOT,
          "| %-15s | %7.0f | %9.1f%% | %7s | %7s | %7s | %11.1f us | %11.1f us | %7d |%n",
          runs.get(0).label(),
          median(runs, LoadTool.Result::rps),
          ratio,
          LoadTool.Result.ms(Math.round(median(runs, r -> (double) r.p50()))),
          LoadTool.Result.ms(Math.round(median(runs, r -> (double) r.p99()))),
          LoadTool.Result.ms(Math.round(median(runs, r -> (double) r.p999()))),
          median(runs, r -> r.processCpuMicrosPerRequest() - r.clientCpuMicrosPerRequest()),
          median(runs, LoadTool.Result::clientCpuMicrosPerRequest),
          runs.stream().mapToLong(LoadTool.Result::non2xx).sum());
      for (LoadTool.Result r : runs) {
        if (r.non2xx() > 0 || r.errors() > 0 || r.requests() == 0) {
          status = 1;
        }
      }
      if (runs != base) {
        verdicts.add(
            String.format(
                Locale.ROOT,
                "%s %.1f%% %s",
                runs.get(0).label(),
                ratio,
                ratio >= 80 ? "MET" : "NOT MET"));
      }
    }
    System.out.println();
    System.out.println(
        "medians over "
            + base.size()
            + " rounds; goal: authenticated rates within 20% of the "
            + "unauthenticated rate (>= 80%): "
            + String.join(", ", verdicts));
    if (status != 0) {
      System.out.println(
          "WARNING: some runs had errors or non-2xx answers (see codes= above); "
              + "their figures are not comparable");
    }
    return status;
  }

  private static double median(List<LoadTool.Result> runs, ToDoubleFunction<LoadTool.Result> f) {
    return median(runs.stream().map(f::applyAsDouble).toList());
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * One request alone before each run: a remembered Basic password that expired between runs is
   * then checked again by this request, not by every connection of the run at once (see the
   * "Serving" section of docs/benchmarks.md). The answer is not checked; the run's codes are.
   */
  private static void prime(String url, String user) {
    if (user != null && user.startsWith("digest:")) {
      return; // Digest's first request is the load tool's own handshake.
    }
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
      if (user != null) {
        request.header(
            "Authorization",
            "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
      }
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .build()
          .send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      System.out.println("priming request to " + url + " failed: " + e);
    }
  }

  /** One request before the load, so a misconfiguration fails loudly rather than measuring 401s. */
  private static void check(String url, String user, int expected, byte[] body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (user != null) {
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<byte[]> response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != expected
        || (body != null && !Arrays.equals(body, response.body()))) {
      throw new IllegalStateException(
          url
              + (user == null ? "" : " as " + user.split(":")[0])
              + ": expected "
              + expected
              + ", got "
              + response.statusCode()
              + " with "
              + response.body().length
              + " bytes");
    }
  }

  /**
   * The console would measure the terminal, not the server: the per-request audit echo on {@code
   * authhost.events} goes off, the rest to WARN.
   */
  static void quietLogging() {
    ((Logger) LoggerFactory.getLogger("authhost.events")).setLevel(Level.OFF);
    ((Logger) LoggerFactory.getLogger("org.authhost")).setLevel(Level.WARN);
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
  }

  /**
   * The test suite's bare front (package-private in {@code http.content}), built by reflection: no
   * TLS, no origin; its proxy factory hands back null, which only {@code /proxy/} would use.
   */
  private static AutoCloseable testFront(Path root) throws Exception {
    Class<?> front = Class.forName("org.authhost.host.http.content.TestFront");
    Class<?> factory = Class.forName("org.authhost.host.http.content.TestFront$OriginProxyFactory");
    Object noProxy =
        Proxy.newProxyInstance(
            factory.getClassLoader(),
            new Class<?>[] {factory},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "no origin proxy";
                  default -> null;
                });
    Constructor<?> constructor =
        front.getDeclaredConstructor(Path.class, URI.class, SslContext.class, factory);
    constructor.setAccessible(true);
    return (AutoCloseable)
        constructor.newInstance(root, URI.create("http://127.0.0.1:9/"), null, noProxy);
  }

  private static Object field(Object target, String name) throws Exception {
    Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(target);
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
