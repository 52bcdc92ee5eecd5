package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real sockets, with the front's flushes held to the end of each event-loop turn ({@link
 * FlushAtTurnEnd}): every answer leaves, whether the connection stays (keep-alive, pipelined
 * requests, a refusal in between) or closes after it (the client's {@code Connection: close}, a
 * malformed request, HTTP/1.0, the client's half-close after its request), from a file or from an
 * origin through the proxy, and many connections answered in the same turns each get theirs.
 */
class AnswersLeaveTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static int port;
  static HttpServer origin;

  /** Bounds every read: an answer held and never flushed fails the test instead of hanging it. */
  private static final int READ_LIMIT_MILLIS = 30_000;

  @BeforeAll
  static void start() throws Exception {
    origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext(
        "/base/",
        exchange -> {
          byte[] body = "from the origin\n".getBytes(StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    origin.start();
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-anonymous.jar",
            "hello\n",
            """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins" },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "publishingPoints": [
            { "name": "vod", "prefix": "/vod/", "directory": "../media" },
            { "name": "origin", "prefix": "/origin/", "origin": "http://127.0.0.1:%d/base/" }
          ]
        }
        """
                .formatted(origin.getAddress().getPort()),
            FakeTime.of(clock));
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
    if (origin != null) {
      origin.stop(0);
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(READ_LIMIT_MILLIS);
    s.setTcpNoDelay(true);
    return s;
  }

  private static void send(Socket s, String requests) throws IOException {
    s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  private static String get(String path, String extra) {
    return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
  }

  /** Reads until {@code marker} has been seen {@code times} times; fails on the read limit. */
  private static String readUntil(InputStream in, String marker, int times) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (count(got.toString(StandardCharsets.US_ASCII), marker) < times) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      got.write(buf, 0, n);
    }
    return got.toString(StandardCharsets.US_ASCII);
  }

  /** Everything until the server closes the connection. */
  private static String readToEnd(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
  }

  private static int count(String text, String marker) {
    return text.split(java.util.regex.Pattern.quote(marker), -1).length - 1;
  }

  @Test
  void pipelinedAnswersAndARefusalBetweenThemAllLeaveAndTheConnectionStays() throws Exception {
    try (Socket s = connect()) {
      send(s, get("/vod/hello.txt", "") + get("/vod/missing.txt", "") + get("/vod/hello.txt", ""));
      String answers = readUntil(s.getInputStream(), "HTTP/1.1 ", 3);
      answers += readUntil(s.getInputStream(), "hello\n", 2 - count(answers, "hello\n"));
      List<String> statuses = new ArrayList<>();
      for (String line : answers.split("\n")) {
        if (line.startsWith("HTTP/1.1 ")) {
          statuses.add(line.strip());
        }
      }
      assertEquals(
          List.of("HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"),
          statuses,
          answers);
      // Still open: one more request on it is answered.
      send(s, get("/vod/hello.txt", ""));
      String next = readUntil(s.getInputStream(), "hello\n", 1);
      assertTrue(next.startsWith("HTTP/1.1 200 OK\r\n"), next);
    }
  }

  @Test
  void anAnswerTheClientAsksToCloseAfterLeavesBeforeTheClose() throws Exception {
    try (Socket s = connect()) {
      send(s, get("/vod/hello.txt", "Connection: close\r\n"));
      String all = readToEnd(s.getInputStream());
      assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n"), all);
      assertTrue(all.endsWith("\r\n\r\nhello\n"), all);
    }
  }

  @Test
  void aRefusalThatClosesTheConnectionLeavesBeforeTheClose() throws Exception {
    try (Socket s = connect()) {
      send(s, "GET /vod/hello.txt HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n");
      String all = readToEnd(s.getInputStream());
      assertTrue(all.startsWith("HTTP/1.1 400 Bad Request\r\n"), all);
      assertEquals(1, count(all, "HTTP/1.1 "), all);
    }
  }

  @Test
  void manyConnectionsAskingAtOnceEachGetTheirAnswers() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 32; i++) {
        sockets.add(connect());
      }
      for (int round = 0; round < 3; round++) {
        // All sent before any is read, so that the loops find many ready in one turn.
        for (Socket s : sockets) {
          send(s, get("/vod/hello.txt", ""));
        }
        for (Socket s : sockets) {
          String answer = readUntil(s.getInputStream(), "hello\n", 1);
          assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
          assertEquals(1, count(answer, "HTTP/1.1 "), answer);
        }
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void anAnswerToAClientThatHalfClosesAfterItsRequestLeavesBeforeTheClose() throws Exception {
    // The request and the end of the client's input come in one read: Netty's own close at the end
    // of input must not drop the answer the front holds until the end of the turn.
    for (int i = 0; i < 20; i++) {
      try (Socket s = connect()) {
        send(s, get("/vod/hello.txt", ""));
        s.shutdownOutput();
        String all = readToEnd(s.getInputStream());
        assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n"), "try " + i + ": " + all);
        assertTrue(all.endsWith("\r\n\r\nhello\n"), "try " + i + ": " + all);
      }
    }
  }

  @Test
  void anHttp10AnswerLeavesBeforeTheCloseWithOrWithoutAHalfClose() throws Exception {
    for (boolean halfClose : new boolean[] {false, true}) {
      try (Socket s = connect()) {
        send(s, "GET /vod/hello.txt HTTP/1.0\r\n\r\n");
        if (halfClose) {
          s.shutdownOutput();
        }
        String all = readToEnd(s.getInputStream());
        // The server speaks HTTP/1.1 to it (RFC 9110 §6.2), and closes after the answer.
        assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n"), halfClose + ": " + all);
        assertTrue(all.endsWith("\r\n\r\nhello\n"), halfClose + ": " + all);
      }
    }
  }

  @Test
  void aProxiedAnswerLeavesOnAKeptConnectionAndBeforeAClose() throws Exception {
    try (Socket s = connect()) {
      send(s, get("/origin/a.txt", ""));
      String first = readUntil(s.getInputStream(), "from the origin\n", 1);
      assertTrue(first.startsWith("HTTP/1.1 200 OK\r\n"), first);
      send(s, get("/origin/b.txt", "Connection: close\r\n"));
      String last = readToEnd(s.getInputStream());
      assertTrue(last.startsWith("HTTP/1.1 200 OK\r\n"), last);
      assertTrue(last.endsWith("from the origin\n"), last);
    }
  }
}
