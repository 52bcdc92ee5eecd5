package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.authhost.host.http.Transport;
import org.junit.jupiter.api.Test;

/**
 * The host's origin connector on real sockets, over NIO and (where it loads) epoll: an origin at an
 * IP literal is connected on the client's own event loop, with the relay's pipeline and the front's
 * write-buffer marks; a refused connect fails the future and leaves no channel open.
 */
class OriginConnectorTest {
  private static List<Transport> transports() {
    List<Transport> all = new ArrayList<>(List.of(Transport.nio()));
    if (Epoll.isAvailable()) {
      all.add(Transport.pick("test"));
    }
    return all;
  }

  private static final class Marker extends ChannelHandlerAdapter {}

  /** Connects from a channel of {@code group}'s loop, as the relay does, and waits for the end. */
  private static ChannelFuture connect(Transport transport, EventLoopGroup group, int port)
      throws Exception {
    return connect(transport, group, port, new Marker());
  }

  private static ChannelFuture connect(
      Transport transport, EventLoopGroup group, int port, ChannelHandler handler)
      throws Exception {
    Channel client = transport.socketChannels().newChannel();
    group.register(client).sync();
    RtspRelay.OriginConnector connector = RtspRelay.sockets(RtspFront.MARKS, transport);
    ChannelFuture f =
        client
            .eventLoop()
            .submit(
                () ->
                    connector.connect(
                        client,
                        new ChannelInitializer<Channel>() {
                          @Override
                          protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(handler);
                          }
                        },
                        "127.0.0.1",
                        port))
            .get(10, TimeUnit.SECONDS);
    assertTrue(f.await(10, TimeUnit.SECONDS), "the connect ended");
    assertSame(client.eventLoop(), f.channel().eventLoop(), transport.name());
    client.close().sync();
    return f;
  }

  @Test
  void anOriginAtAnIpLiteralIsConnectedOnTheClientsLoopWithTheRelaysPipeline() throws Exception {
    for (Transport transport : transports()) {
      EventLoopGroup group = transport.group(1);
      try (ServerSocket origin = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
        ChannelFuture f = connect(transport, group, origin.getLocalPort());
        assertTrue(f.isSuccess(), transport.name() + ": " + f.cause());
        Channel ch = f.channel();
        assertNotNull(ch.pipeline().get(Marker.class), transport.name());
        assertEquals(RtspFront.MARKS, ch.config().getWriteBufferWaterMark(), transport.name());
        assertEquals(
            RtspRelay.CONNECT_TIMEOUT_MILLIS,
            ch.config().getConnectTimeoutMillis(),
            transport.name());
        try (Socket accepted = origin.accept()) {
          assertEquals(
              ((java.net.InetSocketAddress) ch.localAddress()).getPort(),
              accepted.getPort(),
              transport.name());
        }
        ch.close().sync();
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      }
    }
  }

  /**
   * An origin at an IPv4 address gets an AF_INET socket (no IPV6_V6ONLY to set), one at an IPv6
   * address the default one; an AF_INET socket is one: it cannot take an IPv6 address.
   */
  @Test
  void anIpv4OriginGetsAnIpv4Socket() throws Exception {
    for (Transport transport : transports()) {
      assertSame(
          transport.ipv4SocketChannels(),
          RtspRelay.channels(transport, RtspRelay.address("127.0.0.1", 554)),
          transport.name());
      assertSame(
          transport.socketChannels(),
          RtspRelay.channels(transport, RtspRelay.address("::1", 554)),
          transport.name());
      EventLoopGroup group = transport.group(1);
      try {
        Channel dualStack = transport.socketChannels().newChannel();
        group.register(dualStack).sync();
        boolean hasIpv6 = dualStack.bind(new InetSocketAddress("::1", 0)).await().isSuccess();
        dualStack.close().sync();
        assumeTrue(hasIpv6, "no IPv6 loopback here");
        Channel ipv4 = transport.ipv4SocketChannels().newChannel();
        group.register(ipv4).sync();
        assertFalse(
            ipv4.bind(new InetSocketAddress("::1", 0)).await().isSuccess(), transport.name());
        ipv4.close().sync();
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      }
    }
  }

  /**
   * The origin connection reads from its connect on, though its reads were asked for before its
   * registration ({@link ReadFromRegistration}): an origin that speaks first is heard.
   */
  @Test
  void anOriginThatSpeaksFirstIsRead() throws Exception {
    for (Transport transport : transports()) {
      EventLoopGroup group = transport.group(1);
      try (ServerSocket origin = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
        CompletableFuture<String> heard = new CompletableFuture<>();
        ChannelFuture f =
            connect(
                transport,
                group,
                origin.getLocalPort(),
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    heard.complete(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                    ((ByteBuf) msg).release();
                  }
                });
        assertTrue(f.isSuccess(), transport.name() + ": " + f.cause());
        try (Socket accepted = origin.accept()) {
          accepted.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
          assertEquals("hello", heard.get(10, TimeUnit.SECONDS), transport.name());
        }
        f.channel().close().sync();
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      }
    }
  }

  @Test
  void aRefusedConnectFailsAndLeavesNoChannelOpen() throws Exception {
    for (Transport transport : transports()) {
      EventLoopGroup group = transport.group(1);
      int closedPort;
      try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closedPort = gone.getLocalPort();
      }
      try {
        ChannelFuture f = connect(transport, group, closedPort);
        assertFalse(f.isSuccess(), transport.name());
        assertTrue(f.channel().closeFuture().await(10, TimeUnit.SECONDS), transport.name());
        assertFalse(f.channel().isOpen(), transport.name());
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      }
    }
  }
}
