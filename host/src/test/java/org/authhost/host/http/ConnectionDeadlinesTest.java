package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle time-out and the next request head's deadline, on a fake clock: an idle time of 1 s,
 * swept every 250 ms from the host's start, so that a connection opened at the start is closed at
 * exactly its deadline.
 */
class ConnectionDeadlinesTest {
  private static final Duration IDLE = Duration.ofSeconds(1);
  private static final Duration MILLI = Duration.ofMillis(1);

  /** Longer than the idle time, so that a decision can outlast it. */
  private static final Duration CALL_LIMIT = Duration.ofSeconds(3);

  @TempDir Path root;

  private final MutableClock clock = new MutableClock();
  private ServerSocket origin;
  private AuthHost host;
  private int port;

  /** Where the hanging plug-in says it has been called (see HangingPlugin). */
  private final String enteredKey = "authhost.test.entered." + UUID.randomUUID();

  private final CountDownLatch entered = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    origin.setSoTimeout(10_000);
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/a.txt"), "a\n");
    Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"),
        root.resolve("plugins/anonymous.jar"));
    PluginJar.of("hanging", "org.authhost.testplugins.hanging.HangingPlugin")
        .writeTo(root.resolve("plugins"), "hanging.jar");
    System.getProperties().put(enteredKey, entered);
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "callTimeoutMillis": %d,
            "settings": { "hanging": { "properties": { "entered": "%s" } } } },
          "http": { "port": 0, "idleTimeoutMillis": %d },
          "publishingPoints": [
            { "name": "vod", "prefix": "/vod/", "directory": "../media" },
            { "name": "hang", "prefix": "/hang/", "directory": "../media", "plugins": ["hanging"],
              "acl": [ { "principal": "Everyone", "rights": ["read"] } ] },
            { "name": "origin", "prefix": "/origin/", "origin": "http://127.0.0.1:%d/",
              "acl": [ { "principal": "Everyone", "rights": ["read", "write"] } ] }
          ]
        }
        """
            .formatted(CALL_LIMIT.toMillis(), enteredKey, IDLE.toMillis(), origin.getLocalPort()));
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    port = host.http().plainPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
    origin.close();
    System.getProperties().remove(enteredKey);
  }

  @Test
  void aRequestTheHostIsStillDecidingIsNotIdle() throws Exception {
    try (Socket s = connect()) {
      awaitOpen(1);
      send(s, "GET /hang/a.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Test x\r\n\r\n");
      assertTrue(entered.await(10, TimeUnit.SECONDS), "the plug-in was called");
      // Past the idle time, nothing has moved on the wire: the host is deciding, not the client
      // idling, and the decision's own limit (the call time-out) is what ends it.
      clock.advance(IDLE.plus(MILLI));
      clock.advance(CALL_LIMIT.minus(IDLE));
      assertEquals("HTTP/1.1 503", answer(s), "the call's time limit answered the client");
      send(s, "GET /vod/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals("HTTP/1.1 200", answer(s), "and the connection goes on");
    }
  }

  @Test
  void aConnectionWhereNothingMovesIsClosedAtTheIdleTimeOut() throws Exception {
    // Two connections in the same state: a request answered, its body not sent, so that the
    // request is in progress and only the idle time-out applies.
    try (Socket a = connect();
        Socket b = connect()) {
      awaitOpen(2);
      for (Socket s : new Socket[] {a, b}) {
        send(s, "GET /vod/a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n");
        assertEquals("HTTP/1.1 200", answer(s));
      }
      clock.advance(IDLE.minus(MILLI));
      // a proves that such a connection is still open a millisecond before its time-out ...
      send(a, "xyz");
      send(a, "GET /vod/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals("HTTP/1.1 200", answer(a), "closed before the idle time-out");
      clock.advance(MILLI);
      // ... and b, where nothing moved, is closed at it.
      assertClosed(b, "a connection where nothing moved for the idle time");
      send(a, "GET /vod/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals("HTTP/1.1 200", answer(a), "a, active a millisecond ago, is still served");
    }
  }

  @Test
  void aRequestHeadThatTricklesInIsCutOffAtTheIdleTimeAfterTheConnectionOpened() throws Exception {
    try (Socket a = connect();
        Socket b = connect()) {
      awaitOpen(2);
      for (Socket s : new Socket[] {a, b}) {
        send(s, "GET /vod/a.txt HTTP/1.1\r\nHost: x\r\n");
      }
      // A header line every 250 ms keeps both connections from going idle.
      for (int i = 0; i < 3; i++) {
        clock.advance(Duration.ofMillis(250));
        send(a, "X-Slow: y\r\n");
        send(b, "X-Slow: y\r\n");
      }
      clock.advance(Duration.ofMillis(249));
      send(b, "X-Slow: y\r\n");
      // a, whose head ends a millisecond before the deadline, is answered ...
      send(a, "X-Slow: y\r\n\r\n");
      assertEquals("HTTP/1.1 200", answer(a), "a head in time was cut off");
      clock.advance(MILLI);
      // ... and b, whose bytes kept arriving, is closed at the deadline.
      assertClosed(b, "the trickled request head");
      send(a, "GET /vod/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals("HTTP/1.1 200", answer(a), "only the late head's connection is closed");
    }
  }

  @Test
  void aRequestInProgressIsNotCutByTheHeadDeadlineAndAnAnswerOnItsWayIsActivity() throws Exception {
    try (Socket client = connect()) {
      awaitOpen(1);
      send(client, "GET /origin/slow HTTP/1.1\r\nHost: x\r\n\r\n");
      try (Socket upstream = origin.accept()) {
        InputStream fromProxy = upstream.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          int c = fromProxy.read();
          assertTrue(c >= 0, "the proxy hung up: " + head);
          head.append((char) c);
        }
        OutputStream toProxy = upstream.getOutputStream();
        toProxy.write(
            "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        toProxy.flush();
        InputStream in = client.getInputStream();
        assertTrue(head(in).startsWith("HTTP/1.1 200"), "the origin's answer");
        // The client sends nothing for 2 s, twice the idle time and past the head deadline of
        // the connection's start, while the origin's answer reaches it a byte every 500 ms.
        for (char c : "wxyz".toCharArray()) {
          clock.advance(Duration.ofMillis(500));
          toProxy.write(c);
          toProxy.flush();
          assertTrue(readUntil(in, c), "the connection was closed before '" + c + "' came");
        }
      }
      send(client, "GET /vod/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals("HTTP/1.1 200", answer(client), "the connection is still served");
    }
  }

  @Test
  void aBodyThatKeepsComingIsActivity() throws Exception {
    try (Socket client = connect()) {
      awaitOpen(1);
      send(client, "POST /origin/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n");
      try (Socket upstream = origin.accept()) {
        upstream.setSoTimeout(10_000);
        InputStream fromProxy = upstream.getInputStream();
        head(fromProxy);
        // Nothing goes to the client for 2 s, twice the idle time, while its body reaches the
        // origin a byte every 500 ms; the origin having a byte means the front has read it.
        for (char c : "wxyz".toCharArray()) {
          clock.advance(Duration.ofMillis(500));
          send(client, String.valueOf(c));
          assertEquals(c, fromProxy.read(), "the body stopped before '" + c + "'");
        }
        upstream
            .getOutputStream()
            .write(
                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(head(client.getInputStream()).startsWith("HTTP/1.1 200"), "the upload's answer");
      }
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /**
   * Waits until the front has seen {@code count} connections, so that their time counts from the
   * clock's present reading.
   */
  /** Waits, on the front's own notification, until it has seen {@code count} connections. */
  private void awaitOpen(int count) throws InterruptedException {
    host.http().awaitConnections(count, count, Duration.ofSeconds(10));
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads one answer with its body; returns its start, e.g. {@code HTTP/1.1 200}. */
  private static String answer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    String head = head(in);
    var length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    if (length.find()) {
      in.readNBytes(Integer.parseInt(length.group(1)));
    }
    return head.length() >= 12 ? head.substring(0, 12) : head;
  }

  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    return head.toString();
  }

  /** Reads until {@code c}, whatever framing the proxy chose; false at the end of the stream. */
  private static boolean readUntil(InputStream in, char c) throws IOException {
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == c) {
        return true;
      }
    }
    return false;
  }

  /**
   * The server has closed {@code socket}: the stream ends, or is reset when the server closed with
   * bytes it had not read yet. A connection left open fails at the read time-out.
   */
  private static void assertClosed(Socket socket, String what) throws IOException {
    int read;
    try {
      read = socket.getInputStream().read();
    } catch (SocketTimeoutException open) {
      throw new AssertionError(what + " is still open", open);
    } catch (SocketException reset) {
      read = -1;
    }
    assertEquals(-1, read, what + " got an answer instead of a close");
  }
}
