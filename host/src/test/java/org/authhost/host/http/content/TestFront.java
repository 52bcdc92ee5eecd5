package org.authhost.host.http.content;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny front for the tests, shaped like the real one: HttpServerCodec (no aggregator),
 * ChunkedWriteHandler, then a handler mapping {@code /files/...} to SafePath + FileResponder and
 * {@code /proxy/...} to OriginProxy. A recorder at the head of the pipeline notes the largest
 * buffer and the most bytes ever pending in the outbound buffer, to check that nothing is buffered
 * whole.
 */
final class TestFront implements AutoCloseable {
  final NioEventLoopGroup group = new NioEventLoopGroup(2);
  final Path root;
  final URI origin;
  final OriginProxy proxy;
  final Channel server;
  final int port;
  final boolean tls;

  /** When set, paths go through this cache (as in the host) instead of SafePath alone. */
  volatile FileCache files;

  /** Refusals SafePath gave, for the log-reason assertions. */
  final List<SafePath.Result> refusals = new CopyOnWriteArrayList<>();

  /** The largest single buffer written to a client socket. */
  final AtomicLong largestWrite = new AtomicLong();

  /** The most bytes pending in a client channel's outbound buffer at any write. */
  final AtomicLong mostPending = new AtomicLong();

  /** Bytes read from client sockets. */
  final AtomicLong bytesFromClients = new AtomicLong();

  /** Bytes an origin under test has read, when the test counts them; null otherwise. */
  volatile AtomicLong originReceived;

  /**
   * The most the front read from clients ahead of {@link #originReceived}, tracked by the front at
   * each read (not sampled), so no burst between samples is missed.
   */
  final AtomicLong mostAhead = new AtomicLong();

  /**
   * Counted down when a client channel's reads are paused (auto-read off after a read) once more
   * than {@link #pauseAfterBytes} have been read from clients.
   */
  volatile CountDownLatch clientReadsPaused = new CountDownLatch(1);

  /**
   * See {@link #clientReadsPaused}: a pause before this many bytes (while connecting) is not it.
   */
  volatile long pauseAfterBytes;

  /** Completions of proxy exchanges: true for success. */
  final BlockingQueue<Boolean> proxyOutcomes = new LinkedBlockingQueue<>();

  /**
   * The proxy's refusals as they pass through the {@link Refusals} port: "502 audited: reason", or
   * "400 not audited".
   */
  final List<String> proxyRefusals = new CopyOnWriteArrayList<>();

  TestFront(Path root, URI origin, SslContext serverSsl, OriginProxyFactory proxyFactory)
      throws InterruptedException {
    this.root = root;
    this.origin = origin;
    this.tls = serverSsl != null;
    this.proxy = proxyFactory.create(group);
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast("recorder", new Recorder());
                    if (serverSsl != null) {
                      ch.pipeline().addLast("tls", serverSsl.newHandler(ch.alloc()));
                    }
                    ch.pipeline().addLast("http", new HttpServerCodec());
                    ch.pipeline().addLast("chunked", new ChunkedWriteHandler());
                    ch.pipeline().addLast("app", new App());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  interface OriginProxyFactory {
    OriginProxy create(NioEventLoopGroup group);
  }

  String url(String path) {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port + path;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Whether any client pipeline ever held an aggregator (it must not). */
  static boolean hasAggregator(Channel ch) {
    return ch.pipeline().get(HttpObjectAggregator.class) != null;
  }

  private final class Recorder extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        long read = bytesFromClients.addAndGet(buf.readableBytes());
        AtomicLong origin = originReceived;
        if (origin != null) {
          mostAhead.accumulateAndGet(read - origin.get(), Math::max);
        }
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (!ctx.channel().config().isAutoRead() && bytesFromClients.get() > pauseAfterBytes) {
        clientReadsPaused.countDown();
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      long size =
          msg instanceof ByteBuf buf
              ? buf.readableBytes()
              : msg instanceof ByteBufHolder holder
                  ? holder.content().readableBytes()
                  : msg instanceof FileRegion region ? -1 : 0;
      if (size > 0) {
        largestWrite.accumulateAndGet(size, Math::max);
      }
      ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
      if (outbound != null) {
        mostPending.accumulateAndGet(outbound.totalPendingWriteBytes(), Math::max);
      }
      ctx.write(msg, promise);
    }
  }

  private final class App extends ChannelInboundHandlerAdapter {
    private OriginProxy.ProxyExchange exchange;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request) {
        if (hasAggregator(ctx.channel())) {
          throw new AssertionError("aggregator in the pipeline");
        }
        if (request.decoderResult().isFailure()) {
          ReferenceCountUtil.release(msg);
          ctx.writeAndFlush(text(HttpResponseStatus.BAD_REQUEST, "bad request"))
              .addListener(ChannelFutureListener.CLOSE);
          return;
        }
        route(ctx, request);
      }
      if (msg instanceof HttpContent content) {
        if (exchange != null) {
          exchange.content(content);
        } else {
          content.release();
        }
        if (msg instanceof LastHttpContent) {
          exchange = null;
        }
      }
    }

    private void route(ChannelHandlerContext ctx, HttpRequest request) {
      String uri = request.uri();
      int q = uri.indexOf('?');
      String path = q < 0 ? uri : uri.substring(0, q);
      String query = q < 0 ? "" : uri.substring(q);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (path.startsWith("/files/")) {
        FileCache cache = files;
        String rest = path.substring("/files/".length());
        if (cache != null) {
          FileCache.Lookup found = cache.check(root, rest);
          if (found.allowed()) {
            FileResponder.respond(ctx, request, found.file(), keepAlive, null, Clock.systemUTC());
            return;
          }
        }
        SafePath.Result resolved = SafePath.check(root, rest);
        if (!resolved.allowed()) {
          refusals.add(resolved);
          FullHttpResponse response =
              text(HttpResponseStatus.valueOf(resolved.refusal().status()), "not here");
          HttpUtil.setKeepAlive(response, keepAlive);
          ctx.writeAndFlush(response);
          return;
        }
        // The machine's clock: the files served are written by the test, on the machine's time.
        FileResponder.respond(ctx, request, resolved.path(), keepAlive, Clock.systemUTC());
      } else if (path.startsWith("/proxy/")) {
        String clientAddress =
            ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        exchange =
            proxy.start(
                ctx,
                request,
                origin,
                "/" + path.substring("/proxy/".length()) + query,
                clientAddress,
                (status, text, keep, reason) -> {
                  proxyRefusals.add(
                      status.code() + (reason == null ? " not audited" : " audited: " + reason));
                  return Refusals.UNAUDITED.refuse(status, text, keep, reason);
                });
        exchange.whenDone(f -> proxyOutcomes.add(f.isSuccess()));
      } else {
        ctx.writeAndFlush(text(HttpResponseStatus.NOT_FOUND, "no route"));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (exchange != null) {
        exchange.cancel();
      }
      ctx.fireChannelInactive();
    }
  }

  static FullHttpResponse text(HttpResponseStatus status, String text) {
    ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return response;
  }
}
