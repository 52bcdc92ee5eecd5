package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.authhost.host.testing.BoundedWait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FlushAtTurnEnd} on a real event loop and loopback sockets (Netty's NIO transport, an I/O
 * loop like the front's): what a connection flushes in a turn leaves at the end of that turn, never
 * later, and before whatever must come after it.
 */
class FlushAtTurnEndTest {
  private static final long WAIT_SECONDS = 30;
  private static EventLoopGroup loop;
  private static Channel server;

  /** What each server-side connection received, by the client's local address. */
  private static final ConcurrentHashMap<String, ByteArrayOutputStream> received =
      new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    // One loop for both ends: every connection of the test is in the same turns.
    loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new Receiver());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  /** Keeps what a server-side connection receives. */
  private static final class Receiver extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
      ByteArrayOutputStream into =
          received.computeIfAbsent(
              ctx.channel().remoteAddress().toString(), k -> new ByteArrayOutputStream());
      synchronized (into) {
        byte[] b = new byte[msg.readableBytes()];
        msg.readBytes(b);
        into.writeBytes(b);
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close().syncUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static Channel connect(WriteBufferWaterMark marks) throws InterruptedException {
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(FlushAtTurnEnd.NAME, new FlushAtTurnEnd());
                  }
                });
    if (marks != null) {
      b.option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks);
    }
    return b.connect(server.localAddress()).sync().channel();
  }

  /** Runs {@code turn} as one task of the loop and returns what it returned. */
  private static <T> T inOneTurn(Supplier<T> turn) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.next()
        .execute(
            () -> {
              try {
                result.complete(turn.get());
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
    return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static void assertSent(ChannelFuture write) throws InterruptedException {
    assertTrue(write.await(WAIT_SECONDS, TimeUnit.SECONDS), "the write never completed");
    assertTrue(write.isSuccess(), () -> "the write failed: " + write.cause());
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  /** What the server has received from {@code client}, once {@code length} bytes are there. */
  private static String receivedFrom(Channel client, int length) {
    BoundedWait.until(() -> received(client).length() >= length);
    return received(client);
  }

  private static String received(Channel client) {
    ByteArrayOutputStream got = received.get(client.localAddress().toString());
    if (got == null) {
      return "";
    }
    synchronized (got) {
      return got.toString(StandardCharsets.US_ASCII);
    }
  }

  @Test
  void whatTwoConnectionsFlushInATurnLeavesAtItsEndAndNotAtEachFlush() throws Exception {
    Channel a = connect(null);
    Channel b = connect(null);
    ChannelFuture[] writes = new ChannelFuture[2];
    boolean anyLeftInTheTurn =
        inOneTurn(
            () -> {
              writes[0] = a.writeAndFlush(bytes("answer a"));
              writes[1] = b.write(bytes("answer b"));
              b.flush();
              return writes[0].isDone() || writes[1].isDone();
            });
    assertFalse(anyLeftInTheTurn, "a flush went out in the middle of the turn");
    assertSent(writes[0]);
    assertSent(writes[1]);
    assertEquals("answer a", receivedFrom(a, 8));
    assertEquals("answer b", receivedFrom(b, 8));
    a.close().sync();
    b.close().sync();
  }

  @Test
  void aCloseRightAfterAFlushSendsTheAnswerFirst() throws Exception {
    Channel a = connect(null);
    ChannelFuture[] write = new ChannelFuture[1];
    inOneTurn(
        () -> {
          write[0] = a.writeAndFlush(bytes("last answer"));
          a.close();
          return null;
        });
    assertSent(write[0]);
    assertTrue(a.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals("last answer", receivedFrom(a, 11));
  }

  @Test
  void aConnectionThatStopsBeingWritableIsFlushedBeforeItsWriterHearsOfIt() throws Exception {
    Channel a = connect(new WriteBufferWaterMark(256, 512));
    ChannelFuture[] writes = new ChannelFuture[2];
    CompletableFuture<Boolean> firstGoneWhenTold = new CompletableFuture<>();
    // The writer's side: told the connection is unwritable, it would wait for the queue to drain,
    // which only a flush starts; so the held flush must be done before it hears (it then finds the
    // connection writable again: the flush drained it).
    a.pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                firstGoneWhenTold.complete(writes[0].isDone());
                ctx.fireChannelWritabilityChanged();
              }
            });
    inOneTurn(
        () -> {
          writes[0] = a.writeAndFlush(bytes("small"));
          // Past the high mark; with Netty's ~96 bytes per entry the first write is under it.
          writes[1] = a.write(bytes("x".repeat(1000)));
          return null;
        });
    assertTrue(
        firstGoneWhenTold.get(WAIT_SECONDS, TimeUnit.SECONDS),
        "the held flush waited while the connection was unwritable");
    a.flush();
    assertSent(writes[0]);
    assertSent(writes[1]);
    assertEquals("small" + "x".repeat(1000), receivedFrom(a, 1005));
    a.close().sync();
  }

  @Test
  void aFlushMadeWhileTheHeldOnesLeaveLeavesToo() throws Exception {
    Channel a = connect(null);
    Channel b = connect(null);
    CompletableFuture<ChannelFuture> second = new CompletableFuture<>();
    ChannelFuture first =
        inOneTurn(
            () ->
                a.writeAndFlush(bytes("first"))
                    // Runs as a's held flush goes out, at the end of the turn.
                    .addListener(f -> second.complete(b.writeAndFlush(bytes("second")))));
    assertSent(first);
    assertSent(second.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals("second", receivedFrom(b, 6));
    a.close().sync();
    b.close().sync();
  }

  @Test
  void offAnIoEventLoopAFlushGoesAtOnce() {
    EmbeddedChannel ch = new EmbeddedChannel(new FlushAtTurnEnd());
    ch.writeAndFlush(bytes("now"));
    ByteBuf out = ch.readOutbound();
    byte[] got = new byte[out.readableBytes()];
    out.readBytes(got);
    out.release();
    assertArrayEquals("now".getBytes(StandardCharsets.US_ASCII), got);
    ch.finishAndReleaseAll();
  }
}
