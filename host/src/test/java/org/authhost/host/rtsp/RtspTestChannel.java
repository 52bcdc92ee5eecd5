package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.Logon;
import org.authhost.host.authn.Verdict;
import org.authhost.host.config.RtspConfig;

/**
 * The RTSP front's handlers on an {@link EmbeddedChannel}, below the socket: raw bytes in, the
 * encoded answers out as text. In place of the relay, a probe keeps what would have gone to the
 * origin (the exchanges, and the interleaved frames).
 */
final class RtspTestChannel extends EmbeddedChannel {
  static final RtspConfig LIMITS =
      new RtspConfig("127.0.0.1", 0, null, 1024, 2048, 4096, 60_000, 10);

  private final InetSocketAddress remote;
  final RtspConnection connection;
  final List<Object> relayed = new ArrayList<>();

  private RtspTestChannel(String client) {
    super(false, false);
    this.remote = new InetSocketAddress(client, 50_000);
    this.connection = new RtspConnection(remote, new InetSocketAddress("127.0.0.1", 8554), false);
  }

  static RtspTestChannel open(
      RtspFront front,
      String client,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide) {
    RtspTestChannel ch = new RtspTestChannel(client);
    front.addRtspHandlers(ch.pipeline(), ch.connection, LIMITS, decide);
    ch.pipeline()
        .replace(
            "relay",
            "probe",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof RtspExchange e) {
                  ch.relayed.add(e);
                  e.request.release();
                } else {
                  ch.relayed.add(msg.getClass().getSimpleName());
                  ReferenceCountUtil.release(msg);
                }
              }
            });
    try {
      ch.register();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return ch;
  }

  /**
   * With the front's own relay, its origin connections made as {@link EmbeddedChannel}s (added to
   * {@code origins}) in place of sockets.
   */
  static RtspTestChannel relayed(
      RtspFront front,
      String client,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide,
      List<EmbeddedChannel> origins) {
    return relayed(front, client, decide, inlineReauthorize(front.driver()), origins);
  }

  /** The same with {@code reauthorize} for requests without credentials in a session. */
  static RtspTestChannel relayed(
      RtspFront front,
      String client,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide,
      BiFunction<AuthenticationDriver.Attempt, Logon, CompletableFuture<Verdict>> reauthorize,
      List<EmbeddedChannel> origins) {
    RtspTestChannel ch = new RtspTestChannel(client);
    front.addRtspHandlers(
        ch.pipeline(),
        ch.connection,
        LIMITS,
        decide,
        reauthorize,
        (clientChannel, pipeline, host, port) -> {
          EmbeddedChannel origin = new EmbeddedChannel(pipeline);
          origins.add(origin);
          return origin.newSucceededFuture();
        });
    try {
      ch.register();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return ch;
  }

  /** With the front's own relay, its origin connections made by {@code connector}. */
  static RtspTestChannel connectingWith(
      RtspFront front,
      String client,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide,
      RtspRelay.OriginConnector connector) {
    RtspTestChannel ch = new RtspTestChannel(client);
    front.addRtspHandlers(ch.pipeline(), ch.connection, LIMITS, decide, connector);
    try {
      ch.register();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return ch;
  }

  /** Everything {@code channel} has written so far, as text; the buffers are released. */
  static String written(EmbeddedChannel channel) {
    StringBuilder b = new StringBuilder();
    Object out;
    while ((out = channel.readOutbound()) != null) {
      if (out instanceof ByteBuf buf) {
        b.append(buf.toString(StandardCharsets.ISO_8859_1));
      }
      ReferenceCountUtil.release(out);
    }
    return b.toString();
  }

  /** The driver, made to answer before it returns (on this thread, the channel's loop). */
  static Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> inline(
      AuthenticationDriver driver) {
    return a -> {
      try {
        return CompletableFuture.completedFuture(
            driver.decide(a).get(10, java.util.concurrent.TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new AssertionError("the driver did not decide", e);
      }
    };
  }

  /** The driver's reauthorization, made to answer before it returns. */
  static BiFunction<AuthenticationDriver.Attempt, Logon, CompletableFuture<Verdict>>
      inlineReauthorize(AuthenticationDriver driver) {
    return (a, logon) -> {
      try {
        return CompletableFuture.completedFuture(
            driver.reauthorize(a, logon).get(10, java.util.concurrent.TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new AssertionError("the driver did not reauthorize", e);
      }
    };
  }

  /** Writes {@code text} as bytes off the wire. */
  void send(String text) {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) {
    writeInbound(Unpooled.wrappedBuffer(bytes));
    runPendingTasks();
  }

  /** Everything written to the wire so far, as text; the buffers are released. */
  String answers() {
    StringBuilder b = new StringBuilder();
    Object out;
    while ((out = readOutbound()) != null) {
      if (out instanceof ByteBuf buf) {
        b.append(buf.toString(StandardCharsets.ISO_8859_1));
      }
      ReferenceCountUtil.release(out);
    }
    return b.toString();
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return remote;
  }
}
