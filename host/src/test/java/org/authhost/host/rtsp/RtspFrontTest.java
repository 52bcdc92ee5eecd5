package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.http.content.TestTls;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RTSP front on real sockets: {@code rtsp.maxSessions} enforced, and an origin that cannot be
 * reached answered with 502 and the request's CSeq (audited), the connection then closed.
 */
class RtspFrontTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static int deadPort;

  /** A one-answer RTSP origin: what it was sent, per connection, in order. */
  static ServerSocket origin;

  static final BlockingQueue<String> originHeard = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort(); // closed again: nothing listens there
    }
    origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread originThread = new Thread(RtspFrontTest::serveOrigin, "test-rtsp-origin");
    originThread.setDaemon(true);
    originThread.start();
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"), plugins.resolve("anonymous.jar"));
    Path config = Files.createDirectories(root.resolve("config"));
    TestTls.writeKeyStore(config.resolve("rtsp.p12"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins" },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": -1 },
          "rtsp": { "port": 0, "maxSessions": 1, "idleTimeoutMillis": 2000,
                    "tls": { "keystore": "rtsp.p12", "password": "changeit", "port": 0 } },
          "publishingPoints": [
            { "name": "gone", "prefix": "/gone/", "origin": "rtsp://127.0.0.1:%d/" },
            { "name": "live", "prefix": "/live/", "origin": "rtsp://127.0.0.1:%d/" }
          ]
        }
        """
            .formatted(deadPort, origin.getLocalPort()));
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
    origin.close();
  }

  /** Answers each request head with 200 and its CSeq, until the connection closes. */
  private static void serveOrigin() {
    while (!origin.isClosed()) {
      try (Socket c = origin.accept()) {
        InputStream in = c.getInputStream();
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
          head.append((char) b);
          if (head.toString().endsWith("\r\n\r\n")) {
            String request = head.toString();
            head.setLength(0);
            originHeard.add(request);
            String cseq = request.replaceAll("(?s).*\r\n[Cc][Ss]eq: *([0-9]+)\r\n.*", "$1");
            c.getOutputStream()
                .write(
                    ("RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
          }
        }
      } catch (Exception closed) {
        // the test's stop closed the socket, or a client went away: the next one is served
      }
    }
  }

  @Test
  void theFrontHasAnEventLoopPerProcessorUnlessSet() {
    assertEquals(1, RtspFront.eventLoops(1, null));
    assertEquals(2, RtspFront.eventLoops(2, null));
    assertEquals(16, RtspFront.eventLoops(16, null));
    assertEquals(1, RtspFront.eventLoops(2, 1), "-Dauthhost.rtsp.eventLoops");
    assertEquals(2, RtspFront.eventLoops(2, 0), "not a number of loops: the default");
  }

  /**
   * The front's event loops and its origin connections share one transport: native epoll where it
   * loads (as the HTTP front's), and an origin connection made on a client's loop works, its answer
   * relayed to the client.
   */
  @Test
  void theFrontAndItsOriginConnectionsRunOnTheHttpFrontsTransport() throws Exception {
    assertEquals(Epoll.isAvailable() ? "epoll" : "nio", host.rtsp().transportName());
    originHeard.clear();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), host.rtsp().plainPort())) {
      s.getOutputStream()
          .write(
              ("OPTIONS rtsp://127.0.0.1/live/cam RTSP/1.0\r\nCSeq: 7\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      s.setSoTimeout(30_000);
      byte[] b = new byte[512];
      int n = s.getInputStream().read(b);
      String answer = new String(b, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
      assertTrue(answer.toLowerCase().contains("cseq: 7\r\n"), answer);
      assertTrue(answer.contains("Public: OPTIONS, DESCRIBE"), "the origin's answer: " + answer);
      String heard = originHeard.poll(30, TimeUnit.SECONDS);
      assertTrue(heard != null && heard.startsWith("OPTIONS rtsp://127.0.0.1:"), "" + heard);
      assertTrue(heard.toLowerCase().contains("cseq: 7\r\n"), heard);
    }
  }

  /**
   * Each test starts with no connection counted: the one before closed its sockets, and the front's
   * count drops when it has seen them close (maxSessions is 1 here).
   */
  @BeforeEach
  void noSessionsOpen() throws Exception {
    long end = System.nanoTime() + 30_000_000_000L;
    while (host.rtsp().openSessions() != 0 && System.nanoTime() < end) {
      Thread.sleep(10); // a poll of the front's count: the close is the event waited for
    }
    assertEquals(0, host.rtsp().openSessions());
  }

  static String readToClose(Socket s) throws Exception {
    s.setSoTimeout(30_000);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = new byte[4096];
    int n;
    while ((n = in.read(b)) >= 0) {
      out.write(b, 0, n);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void anUnreachableOriginIs502WithTheCSeqAndTheConnectionEnds() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), host.rtsp().plainPort())) {
      s.getOutputStream()
          .write(
              ("DESCRIBE rtsp://127.0.0.1/gone/x RTSP/1.0\r\nCSeq: 42\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer = readToClose(s);
      assertTrue(answer.startsWith("RTSP/1.0 502 Bad Gateway\r\n"), answer);
      assertTrue(answer.toLowerCase().contains("cseq: 42\r\n"), answer);
    }
  }

  @Test
  void connectionsPastMaxSessionsAreClosed() throws Exception {
    try (Socket first = new Socket(InetAddress.getLoopbackAddress(), host.rtsp().plainPort())) {
      first
          .getOutputStream()
          .write("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      byte[] b = new byte[256];
      first.setSoTimeout(30_000);
      int n = first.getInputStream().read(b);
      assertTrue(new String(b, 0, n, StandardCharsets.ISO_8859_1).startsWith("RTSP/1.0 200 OK"));
      try (Socket second = new Socket(InetAddress.getLoopbackAddress(), host.rtsp().plainPort())) {
        assertEquals("", readToClose(second), "the second connection is closed at once");
      }
    }
  }

  /**
   * A connection refused past {@code rtsp.maxSessions} gets a FIN (its reader sees the end, not a
   * reset), is then drained while it stays open, and is closed by the host after the lingering time
   * (2 s here, on the host's clock), though it never ends its side and never gets an idle time-out
   * of its own.
   */
  @Test
  void aRefusedConnectionThatStaysOpenIsClosedAfterTheLingeringTime() throws Exception {
    try (Socket first = new Socket(InetAddress.getLoopbackAddress(), host.rtsp().plainPort())) {
      options(first, 1);
      try (Socket second = new Socket(InetAddress.getLoopbackAddress(), host.rtsp().plainPort())) {
        second.getOutputStream().write("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n".getBytes());
        second.setSoTimeout(30_000);
        assertEquals(-1, second.getInputStream().read(), "the host's end, not a reset");
        second.getOutputStream().write("OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n".getBytes());
        assertEquals(2, host.rtsp().openSessions(), "still open, lingering");
        clock.advance(Duration.ofMillis(2_000));
        long end = System.nanoTime() + 30_000_000_000L;
        while (host.rtsp().openSessions() != 1 && System.nanoTime() < end) {
          Thread.sleep(10); // a poll of the front's count: the host's close is the event waited for
        }
        assertEquals(1, host.rtsp().openSessions(), "the lingering connection was closed");
      }
    }
  }

  @Test
  void rtspsAnswersOverTlsFromItsOwnKeystore() throws Exception {
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(root.resolve("config/rtsp.p12"))) {
      server.load(in, "changeit".toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("rtsps", server.getCertificate("test"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    try (Socket s =
        tls.getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), host.rtsp().tlsPort())) {
      s.getOutputStream()
          .write("OPTIONS * RTSP/1.0\r\nCSeq: 5\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      s.setSoTimeout(30_000);
      byte[] b = new byte[512];
      int n = s.getInputStream().read(b);
      String answer = new String(b, 0, n, StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
      assertTrue(answer.toLowerCase().contains("cseq: 5\r\n"), answer);
    }
  }

  /** OPTIONS * answered on {@code s}: the front has read (and seen) the connection by then. */
  static void options(Socket s, int cseq) throws Exception {
    s.getOutputStream()
        .write(
            ("OPTIONS * RTSP/1.0\r\nCSeq: " + cseq + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    s.setSoTimeout(30_000);
    byte[] b = new byte[512];
    int n = s.getInputStream().read(b);
    assertTrue(n > 0, "closed before answering CSeq " + cseq);
    String answer = new String(b, 0, n, StandardCharsets.ISO_8859_1);
    assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: " + cseq + "\r\n"), answer);
  }

  /**
   * The idle time-out runs on the host's clock (2 s here): traffic either way moves it on, and a
   * connection idle for the whole time is closed. Only the fake clock moves; no real waiting.
   */
  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeOnTheHostsClock() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), host.rtsp().plainPort())) {
      options(s, 1);
      clock.advance(Duration.ofMillis(1_500));
      options(s, 2);
      clock.advance(Duration.ofMillis(1_500)); // 3 s since it opened, 1.5 s since it was used
      options(s, 3);
      clock.advance(Duration.ofMillis(2_000));
      assertEquals("", readToClose(s));
    }
  }

  /**
   * A frame whose length runs past what is sent is waited for, never read past; the connection,
   * idle then, is closed after {@code rtsp.idleTimeoutMillis} on the host's clock, so the half
   * frame holds nothing for longer.
   */
  @Test
  void aFrameLongerThanWhatComesIsEndedByTheIdleTimeOut() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), host.rtsp().plainPort())) {
      // One write, read at once: by the answer, the front has read the half frame too.
      byte[] request =
          "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
      byte[] half = {'$', 0, (byte) 0xff, (byte) 0xff, 1, 2, 3};
      byte[] both = Arrays.copyOf(request, request.length + half.length);
      System.arraycopy(half, 0, both, request.length, half.length);
      s.getOutputStream().write(both);
      s.setSoTimeout(30_000);
      byte[] b = new byte[512];
      int n = s.getInputStream().read(b);
      assertTrue(
          new String(b, 0, Math.max(0, n), StandardCharsets.ISO_8859_1).startsWith("RTSP/1.0 200"));
      clock.advance(Duration.ofMillis(2_000));
      assertEquals("", readToClose(s));
    }
  }
}
