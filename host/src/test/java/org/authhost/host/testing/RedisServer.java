package org.authhost.host.testing;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis for tests: Debian's {@code redis-server} on a free loopback port, with nothing
 * written to disk ({@code --save "" --appendonly no}) and its own folder, started in the foreground
 * and ready once it has said so and answered {@code PING}. It can be stopped and started again on
 * the same port mid-test (an outage), and is stopped by its PID at the end (or by a shutdown hook
 * if the JVM ends first). No Testcontainers: the build machines have no Docker engine.
 *
 * <p>Without {@code redis-server} the test is skipped, naming the Debian package; with {@code
 * AUTHHOST_REQUIRE_REDIS=1} (as CI sets it) it fails instead, so that CI cannot go green by
 * skipping.
 *
 * <p>Use it directly ({@link #start(Path)}, then {@link #close()}), or as an extension that starts
 * one server for a test class: {@code @RegisterExtension static final RedisServer.PerClass REDIS =
 * RedisServer.perClass();} and then {@code REDIS.server()}.
 */
public final class RedisServer implements AutoCloseable {
  public static final String REQUIRE = "AUTHHOST_REQUIRE_REDIS";
  public static final String PACKAGE = "redis-server";
  private static final List<Path> SEARCH =
      List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));
  private static final Duration START_BOUND = Duration.ofSeconds(30);
  private static final Duration STOP_BOUND = Duration.ofSeconds(10);
  private static final String READY = "Ready to accept connections";
  private static final int PORT_ATTEMPTS = 5;

  private final Path binary;
  private final Path dir;
  private final String password;
  private final int port;
  private final Thread killAtExit;
  private volatile Process process;
  private int starts;

  private RedisServer(Path binary, Path dir, int port, String password) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.password = password;
    this.killAtExit = new Thread(this::killNow, "kill redis-server");
    Runtime.getRuntime().addShutdownHook(killAtExit);
  }

  /** Skips (or, with {@link #REQUIRE}, fails) unless {@code redis-server} is installed. */
  public static Path requireServer() {
    return require(SEARCH, System.getenv(REQUIRE));
  }

  /**
   * The first executable of {@code candidates}; else skips, or fails when {@code required} is 1.
   */
  static Path require(List<Path> candidates, String required) {
    for (Path p : candidates) {
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String message = "redis-server is not installed; apt-get install " + PACKAGE;
    if ("1".equals(required)) {
      Assertions.fail(message + " (" + REQUIRE + "=1: this test may not be skipped)");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** A server without a password, in {@code dir} (created if needed). */
  public static RedisServer start(Path dir) throws Exception {
    return start(dir, null);
  }

  /** A server that demands {@code password} ({@code requirepass}; null: none). */
  public static RedisServer start(Path dir, String password) throws Exception {
    Path binary = requireServer();
    Files.createDirectories(dir);
    AssertionError last = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      RedisServer server = new RedisServer(binary, dir, freePort(), password);
      try {
        server.startProcess();
        return server;
      } catch (AssertionError portTaken) {
        // another process took the free port between the probe and the bind: try another
        last = portTaken;
        server.close();
      }
    }
    throw last;
  }

  /** An extension that starts one server before a class's tests and stops it after them. */
  public static PerClass perClass() {
    return new PerClass();
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT}, for {@code state.redis.uri}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Stops the server (SIGTERM by its PID, SIGKILL after a bound); returns once it has exited. */
  public void stop() throws InterruptedException {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Starts it again on the same port (empty: nothing was saved). Returns once it answers PING. */
  public void restart() throws Exception {
    stop();
    startProcess();
  }

  /**
   * Sends one command and gives its reply as text: a simple string or bulk as it is, an integer in
   * decimal, nil as {@code null}, an array as its elements joined by newlines, an error as {@code
   * "-ERR ..."}. For tests that look at what the host wrote.
   */
  public String call(String... args) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      if (password != null) {
        write(out, "AUTH", password);
        String auth = read(in);
        if (auth == null || !auth.equals("OK")) {
          throw new IOException("AUTH failed: " + auth);
        }
      }
      write(out, args);
      return read(in);
    }
  }

  /** The server's log so far. */
  public String log() {
    try {
      return Files.readString(logFile());
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(killAtExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private Path logFile() {
    return dir.resolve("redis-" + port + ".log");
  }

  private void startProcess() throws Exception {
    starts++;
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                dir.toAbsolutePath().toString()));
    if (password != null) {
      command.add("--requirepass");
      command.add(password);
    }
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    process = p;
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(p, ready), "redis-server " + port + " output");
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(START_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      process = null;
      p.destroyForcibly().waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError(
          "redis-server on port "
              + port
              + " did not become ready (start "
              + starts
              + "): "
              + log());
    }
    String pong = call("PING");
    if (!"PONG".equals(pong)) {
      throw new AssertionError("redis-server on port " + port + " answered PING with " + pong);
    }
  }

  /**
   * Copies the server's output to its log file as it comes (so the pipe never fills) and completes
   * {@code ready} when the server says it accepts connections, or exceptionally when it exits
   * first.
   */
  private void pump(Process p, CompletableFuture<Void> ready) {
    try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter w =
            Files.newBufferedWriter(
                logFile(),
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.newLine();
        w.flush();
        if (line.contains(READY)) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IOException("redis-server exited"));
  }

  private void killNow() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void write(OutputStream out, String... args) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
      b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      b.writeBytes(bytes);
      b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.write(b.toByteArray());
    out.flush();
  }

  private static String read(InputStream in) throws IOException {
    String line = line(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+':
      case ':':
        return rest;
      case '-':
        return line;
      case '$':
        {
          int n = Integer.parseInt(rest);
          if (n < 0) {
            return null;
          }
          byte[] data = in.readNBytes(n + 2);
          return new String(data, 0, n, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int n = Integer.parseInt(rest);
          if (n < 0) {
            return null;
          }
          List<String> items = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            items.add(read(in));
          }
          return String.join("\n", items);
        }
      default:
        throw new IOException("not a RESP reply: " + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read(); // '\n'
        return b.toString(StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    throw new IOException("the connection closed mid-reply");
  }

  /** One server for a test class: started before its tests, stopped after them. */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private RedisServer server;

    private PerClass() {}

    public RedisServer server() {
      if (server == null) {
        throw new IllegalStateException("the Redis server starts before the class's tests");
      }
      return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      Path dir =
          Path.of("target", "redis", context.getRequiredTestClass().getSimpleName())
              .toAbsolutePath();
      server = start(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      if (server != null) {
        server.close();
        server = null;
      }
    }
  }
}
