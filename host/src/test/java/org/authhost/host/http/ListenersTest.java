package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.lifecycle.OperatorException;
import org.junit.jupiter.api.Test;

/**
 * The listener helper on real sockets: port 0 is read back, a port taken is one operator error
 * naming the setting and the file, and the stop closes the socket and ends the loops.
 */
class ListenersTest {
  private static final Path HOST_JSON = Path.of("/etc/authhost/host.json");

  private static Listeners listeners() {
    return new Listeners("the RTSP front", "rtsp", HOST_JSON, false, Duration.ofSeconds(1));
  }

  /**
   * A listener on the HTTP front's transport (epoll where it loads) binds that transport's server
   * channel: NIO's on an epoll group would not register ("incompatible event loop type").
   */
  @Test
  void aListenerOnTheFrontsTransportAcceptsOnItsOwnKindOfLoop() throws Exception {
    Listeners listeners = listeners();
    Transport transport = Transport.pick("test front");
    assertEquals(Epoll.isAvailable() ? "epoll" : "nio", transport.name());
    EventLoopGroup loop = transport.group(1);
    CountDownLatch accepted = new CountDownLatch(1);
    listeners.open(
        transport.serverChannel(),
        loop,
        loop,
        "127.0.0.1",
        0,
        null,
        (bootstrap, ssl) ->
            bootstrap.childHandler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    accepted.countDown();
                  }
                }));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listeners.plainPort())) {
      assertTrue(accepted.await(30, TimeUnit.SECONDS), "the connection reached the pipeline");
    } finally {
      listeners.close();
    }
    assertTrue(loop.isTerminated(), "the stop ended the loop");
  }

  @Test
  void portZeroIsReadBackAndTheStopClosesItAndEndsTheLoops() throws Exception {
    Listeners listeners = listeners();
    EventLoopGroup loop = new NioEventLoopGroup(1);
    listeners.open(
        loop,
        loop,
        "127.0.0.1",
        0,
        null,
        (bootstrap, ssl) -> bootstrap.childHandler(new ChannelInboundHandlerAdapter()));
    int port = listeners.plainPort();
    assertTrue(port > 0, "a free port, read back: " + port);
    assertEquals(-1, listeners.tlsPort(), "no tls section, no TLS listener");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      assertTrue(s.isConnected());
    }

    listeners.close();
    assertEquals(-1, listeners.plainPort());
    assertTrue(loop.isTerminated(), "the stop waited for the loop to end");
    assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port));
    listeners.close(); // again: nothing left to release
  }

  @Test
  void aPortTakenIsOneOperatorErrorNamingTheSettingAndTheFile() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Listeners listeners = listeners();
      EventLoopGroup loop = new NioEventLoopGroup(1);
      OperatorException e =
          assertThrows(
              OperatorException.class,
              () ->
                  listeners.open(
                      loop,
                      loop,
                      "127.0.0.1",
                      taken.getLocalPort(),
                      null,
                      (bootstrap, ssl) ->
                          bootstrap.childHandler(new ChannelInboundHandlerAdapter())));
      assertEquals("host/port-in-use", e.id());
      String m = e.getMessage();
      assertTrue(
          m.contains("the RTSP front cannot listen on 127.0.0.1:" + taken.getLocalPort()), m);
      assertTrue(m.contains("rtsp.port in " + HOST_JSON), m);
      assertTrue(!m.contains("0 picks one"), m);
      listeners.close();
      assertTrue(loop.isTerminated(), "a failed open leaves nothing running after the stop");
    }
  }
}
