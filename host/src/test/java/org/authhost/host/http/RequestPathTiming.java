package org.authhost.host.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.slf4j.LoggerFactory;

/**
 * Not a test: the CPU time and memory one request takes on the host's side of the socket, open
 * (Anonymous) against Digest (MD5 and SHA-256), on one thread. A real host set up as {@code
 * bench/peers-target.sh} sets it up (the built-in plug-in JARs, {@code /open/} Anonymous, {@code
 * /digest/} Digest with the realm {@code bench}, account {@code bench}), and the front's real
 * handlers from the codec on ({@link FrontChannel#openWire}), fed the bytes the peer harness's wrk
 * sends: the open request with an {@code X-Pad} header of the Digest header's length, the Digest
 * request with a fresh {@code nc} every time, 1,000 counts per nonce, 64 keep-alive connections
 * taking turns. Everything below the socket (system calls, the event loop's wake-ups) is left out,
 * and so is the load tool: on a machine shared with other work this measures the same CPU per
 * request run after run, where a load test measures the machine. Numbers in docs/benchmarks.md.
 *
 * <p>Run: {@code ./mvnw -B -o -q test-compile -pl host -am}, {@code ./mvnw -B -o -q
 * dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath -pl
 * host}, then {@code java -cp host/target/test-classes:host/target/classes:$(cat
 * host/target/bench.classpath) org.authhost.host.http.RequestPathTiming [rounds=10]
 * [requests=64000] [targets=open,MD5,SHA-256]}.
 */
final class RequestPathTiming {
  private static final String HOST = "127.0.0.1:18090";
  private static final int CONNECTIONS = 64;
  private static final int PER_NONCE = 1_000;

  private RequestPathTiming() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 64_000;
    List<String> targets = List.of((args.length > 2 ? args[2] : "open,MD5,SHA-256").split(","));
    ((Logger) LoggerFactory.getLogger("authhost.events")).setLevel(Level.ERROR);
    Path root = Files.createTempDirectory("request-path-timing");
    MutableClock clock = new MutableClock();
    AuthHost host = start(root, clock);
    try {
      HttpServices services = host.http().services();
      List<FrontChannel> connections = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        connections.add(
            FrontChannel.openWire(
                services,
                clock,
                "127.0.0.1",
                FrontChannel.inline(services.driver(), () -> {}),
                null));
      }
      ThreadMXBean thread = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      System.out.printf("%-8s %10s %10s %12s%n", "round", "target", "ns/req", "bytes/req");
      int pad = digestRequests(connections, 1, "MD5")[0].length - "Authorization".length();
      for (int round = 0; round < rounds; round++) {
        double open = 0;
        for (String target : targets) {
          byte[][] batch =
              target.equals("open")
                  ? openRequests(requests, pad)
                  : digestRequests(connections, requests, target);
          long bytes = thread.getCurrentThreadAllocatedBytes();
          long cpu = thread.getCurrentThreadCpuTime();
          for (int i = 0; i < batch.length; i++) {
            send(connections.get(i % CONNECTIONS), batch[i]);
          }
          cpu = thread.getCurrentThreadCpuTime() - cpu;
          bytes = thread.getCurrentThreadAllocatedBytes() - bytes;
          double ns = cpu / (double) batch.length;
          if (target.equals("open")) {
            open = ns;
          }
          System.out.printf(
              "%-8d %10s %10.0f %12d%s%n",
              round,
              target,
              ns,
              bytes / batch.length,
              target.equals("open") ? "" : String.format("   +%.0f ns over open", ns - open));
        }
      }
      for (FrontChannel c : connections) {
        c.finishAndReleaseAll();
      }
    } finally {
      host.stop();
    }
  }

  /**
   * One request through the handlers; anything but a 200 stops the run: it would time another path.
   */
  private static void send(FrontChannel connection, byte[] request) {
    connection.writeInbound(Unpooled.wrappedBuffer(request));
    connection.runPendingTasks();
    Object out;
    boolean ok = false;
    while ((out = connection.readOutbound()) != null) {
      ByteBuf b =
          out instanceof ByteBuf buf
              ? buf
              : out instanceof ByteBufHolder holder ? holder.content() : null;
      if (b != null && !ok) {
        ok = b.readableBytes() >= 12 && b.getByte(b.readerIndex() + 9) == '2';
        if (!ok) {
          String answer = b.toString(StandardCharsets.ISO_8859_1);
          ReferenceCountUtil.release(out);
          throw new IllegalStateException("not a 200: " + answer);
        }
      }
      ReferenceCountUtil.release(out);
    }
    if (!ok) {
      throw new IllegalStateException("no answer");
    }
  }

  /** Open requests as long as the Digest ones (the harness pads them with {@code X-Pad}). */
  private static byte[][] openRequests(int n, int length) {
    byte[] one = request("/open/1k.txt", "X-Pad", "");
    one = request("/open/1k.txt", "X-Pad", "x".repeat(Math.max(0, length - one.length + 5)));
    byte[][] batch = new byte[n][];
    Arrays.fill(batch, one);
    return batch;
  }

  /** Fresh headers: one nonce per {@link #PER_NONCE} requests, as the harness deals them. */
  private static byte[][] digestRequests(List<FrontChannel> connections, int n, String algorithm) {
    byte[][] batch = new byte[n][];
    LoadTool.DigestClient client = null;
    for (int i = 0; i < n; i++) {
      if (i % PER_NONCE == 0) {
        client = challenge(connections.get(0), algorithm);
      }
      batch[i] = request("/digest/1k.txt", "Authorization", client.next("/digest/1k.txt"));
    }
    return batch;
  }

  private static LoadTool.DigestClient challenge(FrontChannel connection, String algorithm) {
    connection.writeInbound(
        Unpooled.wrappedBuffer(request("/digest/1k.txt", "X-Pad", "challenge me")));
    connection.runPendingTasks();
    List<String> challenges = new ArrayList<>();
    Object out;
    while ((out = connection.readOutbound()) != null) {
      ByteBuf b =
          out instanceof ByteBuf buf
              ? buf
              : out instanceof ByteBufHolder holder ? holder.content() : null;
      if (b != null) {
        for (String line : b.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
          if (line.regionMatches(true, 0, "WWW-Authenticate: ", 0, 18)) {
            challenges.add(line.substring(18));
          }
        }
      }
      ReferenceCountUtil.release(out);
    }
    LoadTool.DigestClient client =
        LoadTool.DigestClient.from(challenges, "bench:bench-pass", algorithm);
    if (client == null || !client.algorithm().equalsIgnoreCase(algorithm)) {
      throw new IllegalStateException("no " + algorithm + " challenge in " + challenges);
    }
    return client;
  }

  private static byte[] request(String path, String header, String value) {
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + HOST
            + "\r\n"
            + header
            + ": "
            + value
            + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static AuthHost start(Path root, MutableClock clock) throws Exception {
    Path www = Files.createDirectories(root.resolve("www"));
    byte[] file = new byte[1024];
    Arrays.fill(file, (byte) 'a');
    Files.write(www.resolve("1k.txt"), file);
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String name : List.of("anonymous", "digest")) {
      Files.copy(
          PluginJar.builtinPlugin("authhost-plugin-" + name + ".jar"),
          plugins.resolve(name + ".jar"));
    }
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "benchhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "order": ["anonymous", "digest"],
            "settings": {
              "anonymous": { "enabled": true, "properties": { "account": "Guest" } },
              "digest": { "enabled": true, "properties": {
                "realm": "bench", "algorithms": "MD5,SHA-256", "qop": "auth" } }
            }
          },
          "http": { "port": -1 },
          "accounts": { "digestRealms": ["bench"] },
          "publishingPoints": [
            { "name": "open", "prefix": "/open/", "directory": "../www", "plugins": ["anonymous"] },
            { "name": "digest", "prefix": "/digest/", "directory": "../www", "plugins": ["digest"],
              "acl": [ { "type": "allow", "principal": "Users", "rights": ["read"] } ] }
          ]
        }
        """);
    TestHosts.addAccount(config, "bench", "bench-pass");
    AuthHost host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    return host;
  }
}
