package org.authhost.host.http.content;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.authhost.host.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied request. Every field is only touched on the client channel's event loop; events of
 * the upstream channel are handed over to it when the two differ.
 */
final class ProxyExchangeImpl implements OriginProxy.ProxyExchange {
  private static final Logger log = LoggerFactory.getLogger(ProxyExchangeImpl.class);

  /** Decoder limits for the origin's responses; the chunk size bounds each body chunk. */
  static final int MAX_INITIAL_LINE = 8 * 1024;

  static final int MAX_HEADER_SIZE = 32 * 1024;
  static final int MAX_CHUNK_SIZE = 16 * 1024;

  private enum State {
    /** Connecting to the origin; request chunks are held (client reads paused meanwhile). */
    CONNECTING,
    /** Connected, request sent or being sent, no response yet. */
    WAITING,
    /** The response head went to the client; body chunks are being relayed. */
    STREAMING,
    /** Over: finished, failed or cancelled. */
    DONE
  }

  private final OriginProxy proxy;
  private final ChannelHandlerContext ctx;
  private final Channel client;
  private final EventLoop loop;
  private final HttpRequest request;
  private final long timeoutNanos;
  private final Promise<Void> completion;
  private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
  private final ChannelFutureListener clientClosed = f -> cancel();
  private final ChannelFutureListener upstreamWriteDone = this::upstreamWriteDone;
  private final Runnable flushUpstream = this::flushUpstream;

  private State state = State.CONNECTING;

  /** The request as the logs name it (never the client's own URL: it may carry credentials). */
  private String shownTarget = "-";

  private Channel upstream;
  private boolean requestComplete;
  private boolean clientKeepAlive;
  private boolean responseKeepAlive;
  private boolean expectContinue;
  private boolean skippingInterim;
  private boolean clientReadsPaused;
  private boolean upstreamReadsPaused;
  private boolean upstreamFlushScheduled;
  private ChannelFuture lastClientWrite;
  private long lastActivity;
  private Scheduler.Scheduled timer;
  private final Refusals refusals;

  ProxyExchangeImpl(
      OriginProxy proxy,
      ChannelHandlerContext ctx,
      HttpRequest request,
      long timeoutNanos,
      Refusals refusals) {
    this.proxy = proxy;
    this.refusals = refusals;
    this.ctx = ctx;
    this.client = ctx.channel();
    this.loop = client.eventLoop();
    this.request = request;
    this.timeoutNanos = timeoutNanos;
    this.completion = loop.newPromise();
    this.clientKeepAlive = HttpUtil.isKeepAlive(request);
  }

  void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  @Override
  public Future<Void> completion() {
    return completion;
  }

  // ---- Start ----

  void begin(URI origin, String pathAndQuery, String clientAddress) {
    String scheme = origin.getScheme() == null ? "" : origin.getScheme().toLowerCase(Locale.ROOT);
    boolean https = scheme.equals("https");
    if (!(https || scheme.equals("http")) || origin.getHost() == null) {
      log.error("Not a usable origin (http:// or https:// with a host): {}", origin);
      fail(HttpResponseStatus.BAD_GATEWAY, new IllegalArgumentException("bad origin " + origin));
      return;
    }
    String target = OriginProxy.target(pathAndQuery);
    // What the logs name: the upstream target, from which the host removed URL credentials.
    shownTarget = target == null ? "-" : target;
    if (target == null) {
      fail(HttpResponseStatus.BAD_REQUEST, new IllegalArgumentException("bad request target"));
      return;
    }
    boolean secure = ctx.pipeline().get(SslHandler.class) != null;
    HttpRequest upstreamRequest =
        OriginProxy.upstreamRequest(request, origin, target, clientAddress, secure);
    expectContinue = HttpUtil.is100ContinueExpected(request);
    String host = origin.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = origin.getPort() >= 0 ? origin.getPort() : https ? 443 : 80;
    String connectHost = host;

    // Hold the request body until the origin connection is up: at most the current read's worth.
    pauseClientReads();
    client.closeFuture().addListener(clientClosed);
    if (state == State.DONE) {
      return; // the client was already gone
    }
    lastActivity = proxy.clock().nanoTime();
    timer = checkTimeoutIn(timeoutNanos);

    ChannelInitializer<Channel> initializer =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) throws Exception {
            ChannelPipeline p = ch.pipeline();
            if (https) {
              SslHandler ssl = proxy.sslContext().newHandler(ch.alloc(), connectHost, port);
              SSLEngine engine = ssl.engine();
              SSLParameters params = engine.getSSLParameters();
              params.setEndpointIdentificationAlgorithm("HTTPS");
              engine.setSSLParameters(params);
              p.addLast("tls", ssl);
            }
            p.addLast(
                "http", new HttpClientCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE));
            p.addLast("exchange", new UpstreamHandler());
          }
        };
    ChannelFuture connect;
    try {
      connect = proxy.bootstrap(client, initializer).connect(connectHost, port);
    } catch (RuntimeException e) {
      fail(HttpResponseStatus.BAD_GATEWAY, e);
      return;
    }
    upstream = connect.channel();
    connect.addListener((ChannelFutureListener) f -> onLoop(() -> connected(f, upstreamRequest)));
  }

  private void connected(ChannelFuture f, HttpRequest upstreamRequest) {
    if (state == State.DONE) {
      f.channel().close();
      return;
    }
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      log.warn("Origin connection for {} failed: {}", shownTarget, String.valueOf(cause));
      fail(
          cause instanceof ConnectTimeoutException
              ? HttpResponseStatus.GATEWAY_TIMEOUT
              : HttpResponseStatus.BAD_GATEWAY,
          cause);
      return;
    }
    state = State.WAITING;
    lastActivity = proxy.clock().nanoTime();
    upstream.write(upstreamRequest).addListener(upstreamWriteDone);
    HttpContent chunk;
    while ((chunk = pending.poll()) != null) {
      upstream.write(chunk).addListener(upstreamWriteDone);
    }
    upstream.flush();
    if (expectContinue && !requestComplete && client.isActive()) {
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    if (upstream.isWritable()) {
      resumeClientReads();
    }
  }

  // ---- Request body, client to origin ----

  @Override
  public void content(HttpContent chunk) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> content(chunk));
      return;
    }
    if (chunk instanceof LastHttpContent) {
      requestComplete = true;
    }
    switch (state) {
      case CONNECTING -> pending.add(chunk);
      case WAITING, STREAMING -> {
        lastActivity = proxy.clock().nanoTime();
        upstream.write(chunk).addListener(upstreamWriteDone);
        if (!upstreamFlushScheduled) {
          // One flush per batch of chunks the client's read produced.
          upstreamFlushScheduled = true;
          loop.execute(flushUpstream);
        }
        if (!upstream.isWritable()) {
          pauseClientReads();
        }
      }
      default -> ReferenceCountUtil.release(chunk);
    }
  }

  private void flushUpstream() {
    upstreamFlushScheduled = false;
    if (upstream != null && state != State.DONE) {
      upstream.flush();
    }
  }

  private void upstreamWriteDone(Future<? super Void> f) {
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      onLoop(() -> upstreamFailed(cause));
    }
  }

  private void pauseClientReads() {
    if (!clientReadsPaused) {
      clientReadsPaused = true;
      client.config().setAutoRead(false);
    }
  }

  private void resumeClientReads() {
    if (clientReadsPaused) {
      clientReadsPaused = false;
      client.config().setAutoRead(true); // also asks for a read
    }
  }

  private void upstreamWritabilityChanged() {
    if ((state == State.WAITING || state == State.STREAMING) && upstream.isWritable()) {
      resumeClientReads();
    }
  }

  // ---- Response, origin to client ----

  private void fromUpstream(Object msg) {
    if (state == State.DONE || state == State.CONNECTING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    lastActivity = proxy.clock().nanoTime();
    if (msg instanceof HttpObject object) {
      DecoderResult result = object.decoderResult();
      if (result.isFailure()) {
        ReferenceCountUtil.release(msg);
        upstreamFailed(result.cause());
        return;
      }
    }
    if (msg instanceof HttpResponse response) {
      if (!responseHead(response)) {
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (msg instanceof HttpContent whole) {
      // The decoder sends heads and chunks apart; should a full message come, relay its chunk
      // alone.
      HttpContent content = whole;
      if (msg instanceof HttpResponse) {
        content =
            msg instanceof LastHttpContent last
                ? new DefaultLastHttpContent(last.content(), last.trailingHeaders())
                : new DefaultHttpContent(whole.content());
      }
      if (skippingInterim || state != State.STREAMING) {
        if (content instanceof LastHttpContent) {
          skippingInterim = false;
        }
        content.release();
        return;
      }
      if (content instanceof LastHttpContent) {
        finish((LastHttpContent) content);
        return;
      }
      lastClientWrite = ctx.write(content);
      if (!client.isWritable()) {
        pauseUpstreamReads();
      }
    } else if (!(msg instanceof HttpResponse)) {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Sends the response head; false for an interim response, which is skipped. */
  private boolean responseHead(HttpResponse response) {
    HttpResponseStatus status = response.status();
    if (state != State.WAITING) {
      return false;
    }
    if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
      if (status.code() == 101) {
        upstreamFailed(new IllegalStateException("the origin switched protocols"));
        return false;
      }
      skippingInterim = true;
      return false;
    }
    HttpHeaders in = response.headers();
    boolean hasLength = in.contains(HttpHeaderNames.CONTENT_LENGTH);
    String contentLength = in.get(HttpHeaderNames.CONTENT_LENGTH);
    HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    HttpHeaders h = out.headers();
    h.set(in);
    OriginProxy.stripHopByHop(h);
    OriginProxy.withoutConsoleCookies(h, HttpHeaderNames.SET_COOKIE);
    h.remove(HttpHeaderNames.CONTENT_LENGTH);
    boolean bodiless =
        HttpMethod.HEAD.equals(request.method()) || status.code() == 204 || status.code() == 304;
    boolean keepAlive = clientKeepAlive;
    if (hasLength) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    } else if (!bodiless) {
      if (request.protocolVersion().minorVersion() >= 1
          && request.protocolVersion().majorVersion() == 1) {
        HttpUtil.setTransferEncodingChunked(out, true);
      } else {
        keepAlive = false; // HTTP/1.0: the end of the body is the end of the connection
      }
    }
    responseKeepAlive = keepAlive;
    HttpUtil.setKeepAlive(h, request.protocolVersion(), keepAlive);
    state = State.STREAMING;
    lastClientWrite = ctx.write(out);
    return true;
  }

  private void pauseUpstreamReads() {
    if (!upstreamReadsPaused) {
      upstreamReadsPaused = true;
      upstream.config().setAutoRead(false);
      watchClientDrain();
    }
  }

  /** Resumes upstream reads once the client's pending writes (ours, the latest) have gone out. */
  private void watchClientDrain() {
    ChannelFuture latest = lastClientWrite;
    if (latest != null && !latest.isDone()) {
      // The promise completes just before the outbound buffer's size is lowered: look after that.
      latest.addListener(f -> loop.execute(this::maybeResumeUpstreamReads));
    } else {
      // Someone else's writes keep the channel unwritable: look again shortly.
      loop.schedule(this::maybeResumeUpstreamReads, 10, TimeUnit.MILLISECONDS);
    }
  }

  private void maybeResumeUpstreamReads() {
    if (state == State.DONE || !upstreamReadsPaused) {
      return;
    }
    if (!client.isActive()) {
      cancel();
    } else if (client.isWritable()) {
      upstreamReadsPaused = false;
      lastActivity = proxy.clock().nanoTime();
      upstream.config().setAutoRead(true); // also asks for a read
    } else {
      watchClientDrain();
    }
  }

  private void flushClient() {
    if (state == State.STREAMING) {
      // Writes may wait in a ChunkedWriteHandler until this flush; look at writability after it.
      client.flush();
      if (!client.isWritable()) {
        pauseUpstreamReads();
      }
    }
  }

  private void finish(LastHttpContent last) {
    state = State.DONE;
    cleanUp();
    ChannelFuture written = ctx.writeAndFlush(last);
    written.addListener(
        responseKeepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    written.addListener(
        f -> {
          if (f.isSuccess()) {
            completion.trySuccess(null);
          } else {
            completion.tryFailure(f.cause());
          }
        });
  }

  // ---- Failures ----

  private void upstreamFailed(Throwable cause) {
    if (state == State.DONE) {
      return;
    }
    if (state == State.STREAMING) {
      log.warn("Origin failed during the response to {}: {}", shownTarget, String.valueOf(cause));
      abort(cause);
    } else {
      log.warn("Origin failed before the response to {}: {}", shownTarget, String.valueOf(cause));
      fail(HttpResponseStatus.BAD_GATEWAY, cause);
    }
  }

  private void upstreamClosed() {
    if (state != State.DONE) {
      upstreamFailed(new IllegalStateException("the origin closed the connection"));
    }
  }

  private void checkTimeout() {
    timer = null;
    if (state == State.DONE) {
      return;
    }
    long now = proxy.clock().nanoTime();
    if (upstreamReadsPaused) {
      lastActivity = now; // waiting for the client is not the origin's fault
    }
    long idle = now - lastActivity;
    if (idle < timeoutNanos) {
      timer = checkTimeoutIn(timeoutNanos - idle);
      return;
    }
    log.warn(
        "Origin timed out ({} ms idle) for {}", TimeUnit.NANOSECONDS.toMillis(idle), shownTarget);
    ConnectTimeoutException cause =
        new ConnectTimeoutException(
            "origin idle for " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms");
    if (state == State.STREAMING) {
      abort(cause);
    } else {
      fail(HttpResponseStatus.GATEWAY_TIMEOUT, cause);
    }
  }

  /** Before the response head: answers the client with {@code status} itself. */
  private void fail(HttpResponseStatus status, Throwable cause) {
    state = State.DONE;
    cleanUp();
    if (client.isActive()) {
      boolean keepAlive = clientKeepAlive && requestComplete;
      // A bad request target is the client's own mistake: not audited. A 502/504 is the origin
      // failing: audited (WARNING) through the front's one place.
      String auditReason = status.code() == 400 ? null : "origin failed: " + cause;
      FullHttpResponse response =
          refusals.refuse(status, OriginProxy.failureText(status), keepAlive, auditReason);
      HttpHeaders h = response.headers();
      h.set(HttpHeaderNames.DATE, DateHeader.at(proxy.clock().millis()));
      HttpUtil.setKeepAlive(h, request.protocolVersion(), keepAlive);
      ChannelFuture written;
      if (HttpMethod.HEAD.equals(request.method())) {
        ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, h));
        response.release();
        written = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      } else {
        written = ctx.writeAndFlush(response);
      }
      written.addListener(
          keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
      written.addListener(f -> completion.tryFailure(cause));
    } else {
      completion.tryFailure(cause);
    }
  }

  /** After the response head: all that is left is to cut the response short. */
  private void abort(Throwable cause) {
    state = State.DONE;
    cleanUp();
    client.flush();
    client.close();
    completion.tryFailure(cause);
  }

  @Override
  public void cancel() {
    if (!loop.inEventLoop()) {
      loop.execute(this::cancel);
      return;
    }
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    cleanUp();
    completion.tryFailure(new CancellationException("the client went away"));
  }

  /**
   * The origin's time limit is kept on the host's scheduler and clock, so a test moves it; the
   * check itself runs on this exchange's event loop, like every other step of the exchange.
   */
  private Scheduler.Scheduled checkTimeoutIn(long nanos) {
    return proxy.scheduler().schedule(this::checkTimeoutOnLoop, Duration.ofNanos(nanos));
  }

  /**
   * From the scheduler's thread: the loop may have shut down since (the front stopped), and then
   * there is no exchange left to time out, so a refusal is not an error.
   */
  private void checkTimeoutOnLoop() {
    try {
      loop.execute(this::checkTimeout);
    } catch (RejectedExecutionException e) {
      // The event loop is shut down: its channels, this exchange's among them, are closed.
    }
  }

  /** Releases everything the exchange holds; state is already DONE. */
  private void cleanUp() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    HttpContent chunk;
    while ((chunk = pending.poll()) != null) {
      chunk.release();
    }
    if (upstream != null) {
      upstream.close();
    }
    client.closeFuture().removeListener(clientClosed);
    resumeClientReads();
  }

  /** The handler at the end of the upstream pipeline: hands everything to the exchange. */
  private final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext upstreamCtx, Object msg) {
      onLoop(() -> fromUpstream(msg));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext upstreamCtx) {
      onLoop(ProxyExchangeImpl.this::flushClient);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext upstreamCtx) {
      onLoop(ProxyExchangeImpl.this::upstreamWritabilityChanged);
    }

    @Override
    public void channelInactive(ChannelHandlerContext upstreamCtx) {
      onLoop(ProxyExchangeImpl.this::upstreamClosed);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext upstreamCtx, Throwable cause) {
      onLoop(() -> upstreamFailed(cause));
      upstreamCtx.close();
    }
  }
}
