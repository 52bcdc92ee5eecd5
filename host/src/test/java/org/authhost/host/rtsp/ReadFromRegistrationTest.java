package org.authhost.host.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.http.Transport;
import org.junit.jupiter.api.Test;

/**
 * A connection accepted with its reads asked for before its registration (the front's listening
 * channel has {@link ReadFromRegistration#ACCEPTED}) is read from the start and goes on being read,
 * over NIO and (where it loads) epoll, on real sockets.
 */
class ReadFromRegistrationTest {
  private static List<Transport> transports() {
    List<Transport> all = new ArrayList<>(List.of(Transport.nio()));
    if (Epoll.isAvailable()) {
      all.add(Transport.pick("test"));
    }
    return all;
  }

  /** Echoes what it reads, upper-cased: each line answered shows the connection read again. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      String text = in.toString(StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT);
      in.release();
      ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @Test
  void anAcceptedConnectionIsReadFromTheStartAndAfter() throws Exception {
    for (Transport transport : transports()) {
      EventLoopGroup boss = transport.group(1);
      EventLoopGroup workers = transport.group(1);
      try {
        Channel server =
            new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .handler(ReadFromRegistration.ACCEPTED)
                .childHandler(new Echo())
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
        try (Socket client = new Socket()) {
          client.connect((InetSocketAddress) server.localAddress(), 10_000);
          client.setSoTimeout(10_000);
          OutputStream out = client.getOutputStream();
          InputStream in = client.getInputStream();
          for (String word : List.of("first", "again")) {
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            assertEquals(
                word.toUpperCase(java.util.Locale.ROOT),
                new String(in.readNBytes(word.length()), StandardCharsets.US_ASCII),
                transport.name());
          }
        } finally {
          server.close().sync();
        }
      } finally {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      }
    }
  }
}
