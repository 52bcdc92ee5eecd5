package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.host.integrations.RtspEndToEndTest.RawRtsp;
import org.authhost.host.testing.RtspOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods on real sockets, bounded, while a well-behaved client plays through the same host from a
 * real origin: connections past {@code rtsp.maxSessions} are closed at once; a pipelined flood of
 * SETUPs on one connection gets its answers and then 503 and the end of the connection; a client
 * that sends requests without ever reading its answers is no longer read once its answers back up
 * (the bytes the host takes stay bounded). Through all of it, the player's stream flows and its
 * keep-alive is answered.
 */
class RtspFloodEndToEndTest {
  static final int MAX_SESSIONS = 8;
  @TempDir static Path root;
  static RtspOrigin origin;
  static StreamingHost host;
  static int port;
  static String base;
  RawRtsp player;
  String session;

  @BeforeAll
  static void start() throws Exception {
    RtspOrigin.requireTools();
    origin = RtspOrigin.start(root.resolve("origin"));
    host =
        StreamingHost.start(
            root.resolve("host"),
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": {
                "directory": "../plugins",
                "settings": { "digest": { "enabled": true, "properties": {
                  "realm": "AuthHost", "algorithms": "MD5" } } }
              },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "rtsp": { "port": 0, "maxSessions": %d },
              "accounts": { "digestRealms": ["AuthHost"] },
              "publishingPoints": [
                { "name": "cam", "prefix": "/cam/", "origin": "rtsp://127.0.0.1:%d/",
                  "plugins": ["digest"] }
              ]
            }
            """
                .formatted(MAX_SESSIONS, origin.port()),
            List.of("authhost-plugin-digest.jar"),
            "alice",
            "pw-alice");
    port = host.host().rtsp().plainPort();
    base = "rtsp://127.0.0.1:" + port + "/cam/test";
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @BeforeEach
  void play() throws Exception {
    // The last test's connections are closed; the front's count drops when it has seen them close.
    long end = System.nanoTime() + 30_000_000_000L;
    while (host.host().rtsp().openSessions() != 0 && System.nanoTime() < end) {
      Thread.sleep(10); // a poll of the front's count: the close is the event waited for
    }
    assertEquals(0, host.host().rtsp().openSessions());
    player = new RawRtsp(port, "alice", "pw-alice");
    assertEquals(200, player.authenticated("DESCRIBE", base, "Accept: application/sdp").status());
    RawRtsp.Answer setup =
        player.authenticated(
            "SETUP", base + "/stream=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
    assertEquals(200, setup.status(), setup.head());
    session = setup.header("session").split(";")[0].strip();
    assertEquals(200, player.authenticated("PLAY", base + "/", "Session: " + session).status());
    player.awaitFrames(10);
  }

  /** The player after a flood: its stream still flows and its keep-alive is answered. */
  @AfterEach
  void stillPlaying() throws Exception {
    try {
      player.awaitFrames(10);
      RawRtsp.Answer alive = player.send("GET_PARAMETER", base + "/", null, "Session: " + session);
      assertEquals(200, alive.status(), alive.head());
      assertEquals(String.valueOf(player.cseq()), alive.header("cseq"));
    } finally {
      player.close();
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String readToClose(Socket s) throws Exception {
    s.setSoTimeout(30_000);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = new byte[8192];
    int n;
    while ((n = in.read(b)) >= 0) {
      out.write(b, 0, n);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void connectionsPastMaxSessionsAreClosedAtOnce() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      int answered = 0;
      int closed = 0;
      for (int i = 0; i < 3 * MAX_SESSIONS; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        sockets.add(s);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(ascii("OPTIONS * RTSP/1.0\r\nCSeq: " + i + "\r\n\r\n"));
        byte[] b = new byte[512];
        int n = s.getInputStream().read(b);
        if (n < 0) {
          closed++;
        } else {
          assertTrue(
              new String(b, 0, n, StandardCharsets.ISO_8859_1).startsWith("RTSP/1.0 200 OK\r\n"));
          answered++;
        }
      }
      // The player holds one of the MAX_SESSIONS.
      assertEquals(MAX_SESSIONS - 1, answered, "answered while under the limit");
      assertEquals(2 * MAX_SESSIONS + 1, closed, "closed at once past it");
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  /**
   * The cut is a lingering close: a flood client with a small receive window, which reads nothing
   * until it has written all of its flood, still gets every answer, the one 503 that says why, and
   * the end, not a reset. Closing at once with the flood unread reset the connection and threw the
   * queued answers away (the writer's write failed, the reader read a reset).
   */
  @Test
  void aFloodClientThatReadsLateStillGetsThe503AndTheEnd() throws Exception {
    StringBuilder flood = new StringBuilder();
    for (int i = 1; i <= 500; i++) {
      flood.append("SETUP ").append(base).append("/stream=0 RTSP/1.0\r\nCSeq: ").append(i);
      flood.append("\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
    }
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(2048);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      // All of it written before a byte is read: the host has cut the connection by then and is
      // draining the rest of the flood.
      s.getOutputStream().write(ascii(flood.toString()));
      String answers = readToClose(s);
      Matcher statuses = Pattern.compile("RTSP/1\\.0 (\\d{3}) ").matcher(answers);
      List<String> seen = new ArrayList<>();
      while (statuses.find()) {
        seen.add(statuses.group(1));
      }
      assertEquals(1, seen.stream().filter("503"::equals).count(), "the 503 arrives: " + seen);
      assertEquals("503", seen.get(seen.size() - 1), "and is the last answer: " + seen);
    }
  }

  @Test
  void aPipelinedFloodOfSetupsIsAnsweredThenCut() throws Exception {
    StringBuilder flood = new StringBuilder();
    for (int i = 1; i <= 500; i++) {
      flood.append("SETUP ").append(base).append("/stream=0 RTSP/1.0\r\nCSeq: ").append(i);
      flood.append("\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n");
    }
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      // Written from another thread: the host may stop reading it before it is all written.
      Thread writer =
          new Thread(
              () -> {
                try {
                  s.getOutputStream().write(ascii(flood.toString()));
                } catch (java.io.IOException closedMeanwhile) {
                  // the host cut the connection: what the test expects
                }
              },
              "setup-flood");
      writer.start();
      String answers = readToClose(s);
      writer.join(30_000);
      Matcher statuses = Pattern.compile("RTSP/1\\.0 (\\d{3}) ").matcher(answers);
      List<String> seen = new ArrayList<>();
      while (statuses.find()) {
        seen.add(statuses.group(1));
      }
      assertTrue(seen.size() < 100, "cut long before the end: " + seen.size() + " answers");
      assertEquals(1, seen.stream().filter("503"::equals).count(), "one says why: " + seen);
      assertTrue(
          seen.stream().allMatch(c -> c.equals("401") || c.equals("503")),
          "every other SETUP challenged: " + seen);
      assertTrue(answers.toLowerCase().contains("retry-after: "), answers);
    }
  }

  /**
   * A client that sends {@code OPTIONS *} (answered by the host itself) without reading: once its
   * answers back up the host stops reading it, so the bytes it takes stay far below what was
   * offered. The client's receive window is made small so that its answers back up early.
   */
  @Test
  void aClientThatNeverReadsIsNoLongerRead() throws Exception {
    long offered = 64L << 20;
    long taken = 0;
    try (SocketChannel ch = SocketChannel.open();
        Selector selector = Selector.open()) {
      ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
      ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_WRITE);
      byte[] one = ascii("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n");
      ByteBuffer chunk = ByteBuffer.allocate(64 * 1024 / one.length * one.length);
      while (chunk.remaining() >= one.length) {
        chunk.put(one);
      }
      chunk.flip();
      while (taken < offered) {
        // No progress for 5 s: the host has stopped reading (its answers back up).
        if (selector.select(5_000) == 0) {
          break;
        }
        selector.selectedKeys().clear();
        if (!chunk.hasRemaining()) {
          chunk.rewind();
        }
        taken += ch.write(chunk);
      }
    }
    assertTrue(taken < offered / 2, "the host took " + taken + " bytes of " + offered);
  }
}
