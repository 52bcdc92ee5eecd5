package org.authhost.host.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay between a real RTSP client and the host's RTSP front that counts, per client
 * connection, the {@code 401} answers the host sends: what the client pays in challenge round trips
 * (the host audits no challenge, and the origin never sees one). Bytes pass unchanged both ways. In
 * front of an origin instead, it keeps what the host sent the origin ({@link #sent()}).
 */
public final class ChallengeTap implements AutoCloseable {
  private static final byte[] CHALLENGE = "RTSP/1.0 401".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final int target;
  private final List<AtomicInteger> perConnection = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** The first {@link #MAX_SENT} bytes sent towards the target, over all connections. */
  private final StringBuffer sent = new StringBuffer();

  private static final int MAX_SENT = 1 << 20;

  private ChallengeTap(ServerSocket server, int target) {
    this.server = server;
    this.target = target;
  }

  /** A tap in front of {@code 127.0.0.1:target}. */
  public static ChallengeTap to(int target) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    ChallengeTap tap = new ChallengeTap(server, target);
    Thread accept = new Thread(tap::accept, "challenge tap " + target);
    accept.setDaemon(true);
    accept.start();
    return tap;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The 401 answers each connection received so far, in the order the connections came. */
  public List<Integer> challengesPerConnection() {
    return perConnection.stream().map(AtomicInteger::get).toList();
  }

  /** What the connecting side sent towards the target so far (its first MiB), as ISO-8859-1. */
  public String sent() {
    return sent.toString();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket host = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(host);
        AtomicInteger challenges = new AtomicInteger();
        perConnection.add(challenges);
        pump(client, host, null, sent);
        pump(host, client, challenges, null);
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void pump(Socket from, Socket to, AtomicInteger challenges, StringBuffer record) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              // The tail of the previous read, so that a status line split across reads counts.
              byte[] window = new byte[buffer.length + CHALLENGE.length];
              int carried = 0;
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                  if (record != null && record.length() < MAX_SENT) {
                    record.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                  }
                  if (challenges == null) {
                    continue;
                  }
                  System.arraycopy(buffer, 0, window, carried, n);
                  int length = carried + n;
                  for (int i = 0; i + CHALLENGE.length <= length; i++) {
                    if (startsAt(window, i)) {
                      challenges.incrementAndGet();
                    }
                  }
                  carried = Math.min(CHALLENGE.length - 1, length);
                  System.arraycopy(window, length - carried, window, 0, carried);
                }
              } catch (IOException ended) {
                // either side closed: so does the other
              } finally {
                close(from);
                close(to);
              }
            },
            "challenge tap pump");
    t.setDaemon(true);
    t.start();
  }

  private static boolean startsAt(byte[] window, int at) {
    for (int j = 0; j < CHALLENGE.length; j++) {
      if (window[at + j] != CHALLENGE[j]) {
        return false;
      }
    }
    return true;
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(ChallengeTap::close);
  }
}
