package org.authhost.host.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;

/**
 * Full NTLM handshakes per second against the rate of the same work without authentication, on one
 * real host (the built-in Anonymous and NTLM plug-in JARs, account {@code alice}, HTTP on
 * loopback). Each unit of work opens a new connection and sends three requests on it:
 *
 * <ul>
 *   <li><b>ntlm</b>: {@code GET} without credentials (401 {@code WWW-Authenticate: NTLM}), then the
 *       NEGOTIATE (401 with the CHALLENGE), then the NTLMv2 AUTHENTICATE (200 with the 1 KiB file):
 *       the three legs a browser goes through;
 *   <li><b>plain</b>: three {@code GET}s of the same file from a publishing point the Anonymous
 *       plug-in serves.
 * </ul>
 *
 * <p>Each of the {@code concurrency} workers is a thread with a blocking socket, one unit in
 * flight, and its own loopback source address (127.0.0.1, .2, ...), as from as many clients: the
 * host caps the logons one address may have in progress. The two targets alternate for several
 * rounds after a warm-up pass; the table gives the medians and ntlm as a percentage of plain.
 *
 * <p>Run: {@code host/bench NtlmHandshakeBenchmark [concurrency=32] [duration=5s] [warmup=2s]
 * [rounds=3]}.
 */
public final class NtlmHandshakeBenchmark {
  private static final String PASSWORD = "bench-Pa55word";

  private NtlmHandshakeBenchmark() {}

  public static void main(String[] args) throws Exception {
    int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    long duration = LoadTool.Options.duration("duration", args.length > 1 ? args[1] : "5s");
    long warmup = LoadTool.Options.duration("warmup", args.length > 2 ? args[2] : "2s");
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    ServingBenchmark.quietLogging();
    Path root = Files.createTempDirectory("ntlm-bench");
    AuthHost host = null;
    int status = 0;
    try {
      Path media = Files.createDirectories(root.resolve("media"));
      byte[] body = new byte[1024];
      Arrays.fill(body, (byte) 'n');
      Files.write(media.resolve("small.txt"), body);
      Path plugins = Files.createDirectories(root.resolve("plugins"));
      Files.copy(
          PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"),
          plugins.resolve("anonymous.jar"));
      Files.copy(PluginJar.builtinPlugin("authhost-plugin-ntlm.jar"), plugins.resolve("ntlm.jar"));
      Path config = Files.createDirectories(root.resolve("config"));
      Files.writeString(
          config.resolve("host.json"),
          """
          {
            "serverName": "benchhost",
            "dataDirectory": "../var",
            "plugins": { "directory": "../plugins", "order": ["anonymous", "ntlm"] },
            "http": { "bindAddress": "127.0.0.1", "port": 0, "maxConnections": 100000 },
            "security": { "lockout": { "threshold": 0, "addressThreshold": 0 } },
            "publishingPoints": [
              { "name": "plain", "prefix": "/plain/", "directory": "../media" },
              { "name": "ntlm", "prefix": "/ntlm/", "directory": "../media", "plugins": ["ntlm"] }
            ]
          }
          """);
      TestHosts.addAccount(config, "alice", PASSWORD);
      host = AuthHost.create(ConfigLoader.load(config));
      host.start();
      ServingBenchmark.quietLogging();
      int port = host.http().plainPort();
      NtlmClient client = new NtlmClient("alice", "", PASSWORD);
      Unit plain =
          from -> {
            try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port, from)) {
              for (int i = 0; i < 3; i++) {
                expect(c.get("/plain/small.txt", null), 200, body);
              }
            }
          };
      Unit ntlm =
          from -> {
            try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port, from)) {
              expect(c.get("/ntlm/small.txt", null), 401, null);
              byte[] negotiate = NtlmClient.negotiate(false);
              RawHttpConnection.Response challenged =
                  c.get("/ntlm/small.txt", "NTLM " + base64(negotiate));
              expect(challenged, 401, null);
              byte[] challenge = Base64.getDecoder().decode(challenged.challengeData("NTLM"));
              byte[] authenticate =
                  client.authenticate(negotiate, challenge, NtlmClient.Response.NTLMV2);
              expect(c.get("/ntlm/small.txt", "NTLM " + base64(authenticate)), 200, body);
            }
          };
      plain.run(InetAddress.getLoopbackAddress());
      ntlm.run(InetAddress.getLoopbackAddress());

      System.out.printf(
          Locale.ROOT,
          "NtlmHandshakeBenchmark: %d cores, %s %s, concurrency %d, %d rounds of "
              + "warm-up %.1fs + %.1fs measured per target; a unit = a new connection and three requests%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name"),
          System.getProperty("java.version"),
          concurrency,
          rounds,
          warmup / 1e9,
          duration / 1e9);
      measure("plain", plain, concurrency, 3_000_000_000L, 0); // JIT warm-up, not reported
      measure("ntlm", ntlm, concurrency, 3_000_000_000L, 0);
      List<Double> plainRates = new ArrayList<>();
      List<Double> ntlmRates = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        Rate p = measure("plain", plain, concurrency, duration, warmup);
        Rate n = measure("ntlm", ntlm, concurrency, duration, warmup);
        System.out.println(p.line());
        System.out.println(n.line());
        plainRates.add(p.perSecond());
        ntlmRates.add(n.perSecond());
        if (p.errors() + n.errors() > 0) {
          status = 1;
        }
      }
      double plainMedian = ServingBenchmark.median(plainRates);
      double ntlmMedian = ServingBenchmark.median(ntlmRates);
      System.out.printf(
          Locale.ROOT,
          "%n| | units/s (median of %d) | vs plain |%n|---|---|---|%n"
              + "| plain: 3 GETs on a new connection | %.0f | 100%% |%n"
              + "| ntlm: full 3-leg handshake on a new connection | %.0f | %.1f%% |%n",
          rounds,
          plainMedian,
          ntlmMedian,
          100 * ntlmMedian / plainMedian);
    } finally {
      if (host != null) {
        host.stop();
      }
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(status);
  }

  /** One unit of work: a new connection from {@code from} and three requests. */
  private interface Unit {
    void run(InetAddress from) throws Exception;
  }

  record Rate(String label, long units, long errors, long nanos, String firstError) {
    double perSecond() {
      return units * 1e9 / nanos;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "label=%s units=%d rate=%.1f/s errors=%d%s",
          label,
          units,
          perSecond(),
          errors,
          firstError == null ? "" : " first_error=" + firstError);
    }
  }

  /**
   * Runs {@code unit} in a closed loop on every worker; counts the units that end inside the
   * window.
   */
  private static Rate measure(String label, Unit unit, int concurrency, long duration, long warmup)
      throws InterruptedException {
    AtomicLong units = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      InetAddress from = LoadTool.Options.loopbackSource(i);
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    try {
                      unit.run(from);
                      if (measuring.get()) {
                        units.incrementAndGet();
                      }
                    } catch (Exception e) {
                      errors.incrementAndGet();
                      firstError.compareAndSet(null, e.toString());
                    }
                  }
                } finally {
                  done.countDown();
                }
              },
              label + "-" + i);
      t.setDaemon(true);
      t.start();
    }
    Thread.sleep(warmup / 1_000_000);
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(duration / 1_000_000);
    measuring.set(false);
    long nanos = System.nanoTime() - start;
    stop.set(true);
    done.await();
    return new Rate(label, units.get(), errors.get(), nanos, firstError.get());
  }

  private static void expect(RawHttpConnection.Response r, int status, byte[] body) {
    if (r.status() != status || (body != null && !Arrays.equals(body, r.body()))) {
      throw new IllegalStateException(
          "expected " + status + ", got " + r.status() + ": " + r.headers());
    }
  }

  private static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
