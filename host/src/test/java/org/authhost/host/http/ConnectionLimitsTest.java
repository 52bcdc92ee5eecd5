package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.http.content.TestTls;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits a public server needs, and the server-wide address lists, on a host of their own. */
class ConnectionLimitsTest {
  @TempDir Path root;

  private AuthHost host;
  private final MutableClock clock = new MutableClock();

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  private void start(String http, String security) throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/a.txt"), "a\n");
    Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"),
        root.resolve("plugins/anonymous.jar"));
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins" },
          "http": %s,
          "security": %s,
          "publishingPoints": [ { "name": "vod", "prefix": "/vod/", "directory": "../media" } ]
        }
        """
            .formatted(http, security));
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
  }

  /** Sends one GET and reads the whole answer; returns its start, e.g. {@code HTTP/1.1 200}. */
  private static String status(Socket socket) throws Exception {
    socket
        .getOutputStream()
        .write("GET /vod/a.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    var length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    if (length.find()) {
      in.readNBytes(Integer.parseInt(length.group(1)));
    }
    return head.length() >= 12 ? head.substring(0, 12) : head.toString();
  }

  @Test
  void connectionsPastTheLimitAreClosedAndTheOthersServed() throws Exception {
    start("{ \"port\": 0, \"maxConnections\": 2 }", "{}");
    int port = host.http().plainPort();
    try (Socket a = new Socket("127.0.0.1", port);
        Socket b = new Socket("127.0.0.1", port)) {
      assertEquals("HTTP/1.1 200", status(a));
      assertEquals("HTTP/1.1 200", status(b));
      try (Socket c = new Socket("127.0.0.1", port)) {
        c.setSoTimeout(5_000);
        assertEquals(-1, c.getInputStream().read(), "the third connection is closed at once");
      }
      assertEquals("HTTP/1.1 200", status(a), "the first ones keep being served");
    }
    // The server sees the closes a moment later: wait for the front to tell it has, then one try.
    host.http().awaitConnections(0, 0, Duration.ofSeconds(10));
    try (Socket d = new Socket("127.0.0.1", port)) {
      d.setSoTimeout(5_000);
      assertEquals("HTTP/1.1 200", status(d), "a slot is free again once they closed");
    }
  }

  @Test
  void aTlsHandshakeThatNeverStartsIsCutOffAtTheHandshakeTimeout() throws Exception {
    Path keystore = root.resolve("tls.p12");
    TestTls.writeKeyStore(keystore);
    start(
        "{ \"port\": -1, \"handshakeTimeoutMillis\": 700, \"tls\": { \"keystore\": \"../tls.p12\", "
            + "\"password\": \"changeit\", \"port\": 0 } }",
        "{}");
    int scheduled = clock.scheduledTasks();
    try (Socket silent = new Socket("127.0.0.1", host.http().tlsPort())) {
      silent.setSoTimeout(10_000);
      // The server has accepted the connection once its handshake limit is set.
      clock.awaitScheduledTasks(scheduled + 1, Duration.ofSeconds(10));
      clock.advance(Duration.ofMillis(699));
      assertEquals(scheduled + 1, clock.scheduledTasks(), "the handshake still has time");
      clock.advance(Duration.ofMillis(1));
      assertEquals(scheduled, clock.scheduledTasks(), "the limit was reached");
      InputStream in = silent.getInputStream();
      while (in.read() != -1) {
        // An alert may come first; the connection must end.
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the silent TLS connection was never closed");
    }
  }

  @Test
  void theServerWideAllowListRefusesEveryoneElse() throws Exception {
    start("{ \"port\": 0 }", "{ \"ipAllow\": [\"10.0.0.0/8\"] }");
    try (Socket s = new Socket("127.0.0.1", host.http().plainPort())) {
      assertEquals("HTTP/1.1 403", status(s));
    }
  }
}
