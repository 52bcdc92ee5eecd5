package org.authhost.host.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A private nginx for end-to-end tests, never the system's: its own prefix folder with the
 * configuration, pid file, logs and temporary folders, loopback ports chosen free, in the
 * foreground ({@code daemon off}) so that it is this JVM's child, and stopped by its PID ({@code
 * SIGQUIT}, then {@code SIGKILL} for it and its workers after a bound), or killed by a shutdown
 * hook if the JVM exits before it is closed.
 *
 * <p>The test hands over the contents of the {@code http { }} and {@code rtmp { }} blocks as a
 * function of the ports, so that a port lost to another process in the meantime is replaced and the
 * configuration written again. Around them the fixture adds what only a test needs: the private
 * paths, one worker, an access log of every request with its {@code Authorization} (to see what
 * clients sent), and {@code load_module} for RTMP.
 */
public final class PrivateNginx implements AutoCloseable {
  private static final int ATTEMPTS = 5;
  private static final Duration START_BOUND = Duration.ofSeconds(15);
  private static final Duration STOP_BOUND = Duration.ofSeconds(5);

  /** The blocks of the test's configuration; {@code rtmp} {@code null} for none. */
  public record Blocks(String http, String rtmp) {}

  private final Path prefix;
  private final Map<String, Integer> ports;
  private final Process process;
  private final Thread killAtExit;

  private PrivateNginx(Path prefix, Map<String, Integer> ports, Process process) {
    this.prefix = prefix;
    this.ports = ports;
    this.process = process;
    // A test JVM that dies (a surefire timeout, a System.exit) before @AfterAll would leave nginx
    // running, holding its ports and its prefix. No time for a graceful quit then: SIGKILL the
    // master, so that it cannot start new workers, and then the workers it had.
    this.killAtExit =
        new Thread(
            () -> {
              List<ProcessHandle> workers = process.descendants().toList();
              process.destroyForcibly();
              workers.forEach(ProcessHandle::destroyForcibly);
            },
            "kill private nginx " + prefix);
    Runtime.getRuntime().addShutdownHook(killAtExit);
  }

  /**
   * Starts nginx in {@code prefix} (created if missing) with one free loopback port per name in
   * {@code portNames}, all listening when this returns.
   *
   * @param blocks the configuration's blocks for the chosen ports (by name)
   */
  public static PrivateNginx start(
      Path prefix, List<String> portNames, Function<Map<String, Integer>, Blocks> blocks)
      throws Exception {
    Path nginx = StreamingTools.nginx();
    for (String dir : List.of("logs", "tmp", "html")) {
      Files.createDirectories(prefix.resolve(dir));
    }
    String lastLog = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (String name : portNames) {
        ports.put(name, freePort());
      }
      Blocks b = blocks.apply(ports);
      Path conf = prefix.resolve("nginx.conf");
      Files.writeString(conf, configuration(prefix, b));
      Path errorLog = prefix.resolve("logs/error.log");
      Files.deleteIfExists(errorLog);
      ProcessBuilder pb =
          new ProcessBuilder(
              nginx.toString(),
              "-p",
              prefix.toAbsolutePath() + "/",
              "-e",
              errorLog.toAbsolutePath().toString(),
              "-c",
              conf.toAbsolutePath().toString());
      pb.redirectErrorStream(true).redirectOutput(prefix.resolve("logs/console.log").toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p = pb.start();
      PrivateNginx started = new PrivateNginx(prefix, Map.copyOf(ports), p);
      if (started.awaitListening()) {
        return started;
      }
      lastLog = started.errorLog() + read(prefix.resolve("logs/console.log"));
      started.close();
      if (!lastLog.contains("Address already in use")) {
        break; // not a lost port: another try cannot help
      }
    }
    throw new IllegalStateException(
        "nginx did not start; configuration:\n"
            + read(prefix.resolve("nginx.conf"))
            + "\nits log:\n"
            + lastLog);
  }

  private static String configuration(Path prefix, Blocks b) {
    String p = prefix.toAbsolutePath().toString();
    StringBuilder conf = new StringBuilder();
    conf.append("# Written by the test (PrivateNginx): a private nginx, not the system's.\n");
    if (b.rtmp() != null) {
      conf.append("load_module ").append(StreamingTools.rtmpModule()).append(";\n");
    }
    // As root the workers would run as nobody, who cannot read the tests' private folders.
    if ("root".equals(System.getProperty("user.name"))) {
      conf.append("user root;\n");
    }
    conf.append(
        """
        daemon off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log info;
        events { worker_connections 256; }
        http {
            default_type application/octet-stream;
            types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; text/plain txt; }
            log_format authhost_test escape=none '$status $request_method $request_uri "$http_authorization"';
            access_log %1$s/logs/access.log authhost_test;
            client_body_temp_path %1$s/tmp/client;
            proxy_temp_path %1$s/tmp/proxy;
            fastcgi_temp_path %1$s/tmp/fastcgi;
            uwsgi_temp_path %1$s/tmp/uwsgi;
            scgi_temp_path %1$s/tmp/scgi;
        %2$s
        }
        """
            .formatted(p, b.http() == null ? "" : b.http()));
    if (b.rtmp() != null) {
      conf.append(
          """
          rtmp {
              access_log %1$s/logs/rtmp-access.log;
          %2$s
          }
          """
              .formatted(p, b.rtmp()));
    }
    return conf.toString();
  }

  /** A port free on loopback now; nginx may still lose a race for it (then start tries again). */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Polls every port until it accepts, nginx exits, or the bound passes.
   *
   * @return whether all accept; when nginx still runs but one never accepts, an error naming it
   */
  private boolean awaitListening() throws InterruptedException {
    long deadline = System.nanoTime() + START_BOUND.toNanos();
    for (Map.Entry<String, Integer> port : ports.entrySet()) {
      while (true) {
        if (!process.isAlive()) {
          return false;
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.getValue()), 200);
          break;
        } catch (IOException notYet) {
          if (System.nanoTime() > deadline) {
            close();
            throw new IllegalStateException(
                "nginx runs but its port "
                    + port
                    + " did not accept within "
                    + START_BOUND.toSeconds()
                    + " s: does the configuration listen on it? Configuration:\n"
                    + read(prefix.resolve("nginx.conf"))
                    + "\nits log:\n"
                    + errorLog());
          }
          Thread.sleep(20); // a poll interval, not a wait for time to pass
        }
      }
    }
    return true;
  }

  public int port(String name) {
    Integer port = ports.get(name);
    if (port == null) {
      throw new IllegalArgumentException(
          "no port named " + name + " (have " + ports.keySet() + ")");
    }
    return port;
  }

  /** The folder nginx serves from, {@code PREFIX/html}. */
  public Path html() {
    return prefix.resolve("html").toAbsolutePath();
  }

  public String errorLog() {
    return read(prefix.resolve("logs/error.log"));
  }

  /** The HTTP access log: one line per request, {@code STATUS METHOD URI "AUTHORIZATION"}. */
  public List<String> accessLog() {
    return read(prefix.resolve("logs/access.log")).lines().toList();
  }

  /**
   * Stops nginx by its PID: {@code SIGQUIT} (finish what is running, then exit), and after {@link
   * #STOP_BOUND} {@code SIGKILL} for the master and its workers.
   */
  @Override
  public void close() throws InterruptedException {
    try {
      Runtime.getRuntime().removeShutdownHook(killAtExit);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting: the hook is running or about to, and kills nginx itself.
    }
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> workers = process.descendants().toList();
    try {
      new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException noKill) {
      // Without kill(1) only SIGKILL is left, below.
    }
    if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
      // The workers too: they would outlive a killed master. (After a clean quit the master has
      // waited for them, so none is left to kill.)
      workers.forEach(ProcessHandle::destroyForcibly);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
