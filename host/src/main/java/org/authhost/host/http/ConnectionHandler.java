package org.authhost.host.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import org.authhost.api.HResult;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.http.content.FileCache;
import org.authhost.host.http.content.FileResponder;
import org.authhost.host.http.content.OriginProxy;

/**
 * One connection's requests, one at a time (pipelined requests wait their turn): checks the request
 * itself, asks the {@link AuthenticationDriver} for a verdict off the event loop, and answers or
 * serves it. Client mistakes get 4xx with the reason in the audit log; nothing a client sends can
 * make it answer 500.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  /** Messages queued while a request is in progress, before reading stops. */
  private static final int MAX_QUEUED = 64;

  private final HttpServices services;
  private final ConnectionActivity activity;
  private final ArrayDeque<Object> inbound = new ArrayDeque<>();
  private ClientConnection connection;
  private Exchange exchange;

  /** The request in progress. */
  private static final class Exchange {
    final HttpRequest request;
    boolean keepAlive;
    boolean decided;
    boolean requestComplete;
    boolean responseComplete;
    OriginProxy.ProxyExchange proxy;

    Exchange(HttpRequest request, boolean keepAlive) {
      this.request = request;
      this.keepAlive = keepAlive;
    }
  }

  ConnectionHandler(HttpServices services, ConnectionActivity activity) {
    this.services = services;
    this.activity = activity;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    connection =
        new ClientConnection(
            (InetSocketAddress) ctx.channel().remoteAddress(),
            ctx.pipeline().get(SslHandler.class) != null);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (exchange != null && exchange.proxy != null) {
      exchange.proxy.cancel();
    }
    inbound.forEach(ReferenceCountUtil::release);
    inbound.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inbound.add(msg);
    if (inbound.size() > MAX_QUEUED) {
      ctx.channel().config().setAutoRead(false);
    }
    pump(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets, TLS garbage and the like: the connection is over, the server is not.
    ctx.close();
  }

  private void pump(ChannelHandlerContext ctx) {
    while (!inbound.isEmpty()) {
      Object msg = inbound.peek();
      if (msg instanceof HttpRequest request) {
        if (exchange != null) {
          return;
        }
        inbound.poll();
        begin(ctx, request);
        continue;
      }
      if (exchange == null) {
        ReferenceCountUtil.release(inbound.poll());
        continue;
      }
      if (!exchange.decided) {
        return;
      }
      inbound.poll();
      if (((HttpContent) msg).decoderResult().isFailure()) {
        // A body that does not frame cannot be forwarded or skipped: the connection is over.
        ReferenceCountUtil.release(msg);
        if (exchange.proxy != null) {
          exchange.proxy.cancel();
        }
        ctx.close();
        return;
      }
      if (exchange.proxy != null) {
        exchange.proxy.content((HttpContent) msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
      if (msg instanceof LastHttpContent) {
        exchange.requestComplete = true;
        finishIfDone(ctx);
      }
    }
    // While a proxy exchange runs, reading is the proxy's to pause and resume (backpressure).
    if (exchange == null || (exchange.decided && exchange.proxy == null)) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void begin(ChannelHandlerContext ctx, HttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    exchange = new Exchange(request, keepAlive);
    activity.requestBegun();
    ctx.channel().config().setAutoRead(false);
    String target = request.uri();
    Request audited = new Request(connection.address, request.method().name(), target, null);
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      Throwable cause = decoded.cause();
      HttpResponseStatus status =
          !(cause instanceof TooLongFrameException)
              ? HttpResponseStatus.BAD_REQUEST
              : cause.getMessage() != null && cause.getMessage().contains("header")
                  ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                  : HttpResponseStatus.REQUEST_URI_TOO_LONG;
      reject(ctx, audited, status, "malformed request: " + cause.getMessage());
      return;
    }
    if (request.headers().size() > services.limits().maxHeaders()) {
      reject(
          ctx,
          audited,
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          request.headers().size()
              + " header fields, more than the limit of "
              + services.limits().maxHeaders());
      return;
    }
    if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)
        && !request.headers().contains(HttpHeaderNames.HOST)) {
      reject(ctx, audited, HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 request without Host");
      return;
    }
    if (request.headers().getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
      reject(ctx, audited, HttpResponseStatus.BAD_REQUEST, "more than one Authorization header");
      return;
    }
    // Behind a trusted proxy, the client its headers name: for audit, lockout and IP lists.
    ClientAddress client =
        ForwardedClient.of(services.trustedProxies(), connection, request.headers());
    if (!services.serverIpRules().allows(client.inet())) {
      services
          .audit()
          .refused(
              audited,
              403,
              HResult.E_ACCESSDENIED,
              "client address "
                  + client.address()
                  + " is not allowed by the server's address lists");
      answer(ctx, Responses.text(HttpResponseStatus.FORBIDDEN, "access denied", keepAlive));
      return;
    }
    String path = RequestTarget.canonical(RequestTarget.path(target));
    if (path == null) {
      services
          .audit()
          .refused(
              audited,
              400,
              HResult.E_INVALIDARG,
              "request path is malformed or not canonical "
                  + "(bad escapes, encoded '/', '//', '.' or '..' segments, control characters)");
      answer(
          ctx, Responses.text(HttpResponseStatus.BAD_REQUEST, "malformed request path", keepAlive));
      return;
    }
    PublishingPoint point = services.points().match(path).orElse(null);
    if (point == null) {
      var withSlash = services.points().matchWithoutSlash(path);
      if (withSlash.isPresent()) {
        FullHttpResponse moved =
            Responses.text(
                HttpResponseStatus.MOVED_PERMANENTLY, "see " + withSlash.get().prefix(), keepAlive);
        moved.headers().set(HttpHeaderNames.LOCATION, withSlash.get().prefix());
        answer(ctx, moved);
        return;
      }
      answer(
          ctx, Responses.text(HttpResponseStatus.NOT_FOUND, "no publishing point here", keepAlive));
      return;
    }
    Request r = new Request(client.address(), request.method().name(), target, point);
    if (!point.ipRules().allows(client.inet())) {
      services
          .audit()
          .refused(
              r,
              403,
              HResult.E_ACCESSDENIED,
              "client address "
                  + client.address()
                  + " is not allowed by publishing point "
                  + point.name());
      answer(ctx, Responses.text(HttpResponseStatus.FORBIDDEN, "access denied", keepAlive));
      return;
    }
    HttpUserContext user =
        new HttpUserContext(
            request.headers().get(HttpHeaderNames.USER_AGENT),
            client.address(),
            connection.port,
            connection.id);
    var attempt =
        new AuthenticationDriver.Attempt(
            r,
            point,
            connection,
            client,
            user,
            new HttpPresentationContext(point.name(), target),
            HttpCommandContext.of(request),
            request.headers().get(HttpHeaderNames.AUTHORIZATION),
            keepAlive);
    Exchange current = exchange;
    services
        .driver()
        .decide(activity.deciding(attempt))
        .whenComplete(
            (verdict, failure) ->
                ctx.executor()
                    .execute(
                        () -> {
                          activity.decided();
                          if (exchange != current || !ctx.channel().isActive()) {
                            return;
                          }
                          if (failure != null) {
                            // A host bug, not the client's: still fail closed, with a status that
                            // says "try later".
                            services
                                .audit()
                                .refused(
                                    r, 503, HResult.E_UNEXPECTED, "internal error: " + failure);
                            answer(
                                ctx,
                                Responses.text(
                                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                                    "temporarily unavailable",
                                    false));
                          } else if (verdict instanceof Verdict.Answer a) {
                            answer(ctx, a.response());
                          } else {
                            serve(ctx, (Verdict.Serve) verdict, r, path);
                          }
                        }));
  }

  private void serve(ChannelHandlerContext ctx, Verdict.Serve serve, Request r, String path) {
    PublishingPoint point = serve.point();
    HttpRequest request = exchange.request;
    String target = request.uri();
    // Re-encoded from the canonical path, so what is served is what was authorized.
    String rest = RequestTarget.encode(path.substring(point.prefix().length()));
    if (point.origin() != null) {
      exchange.decided = true;
      String query = RequestTarget.query(target);
      URI origin = point.origin();
      String base =
          origin.getRawPath() == null || origin.getRawPath().isEmpty() ? "/" : origin.getRawPath();
      String upstream =
          (base.endsWith("/") ? base : base + "/") + rest + (query == null ? "" : "?" + query);
      Exchange current = exchange;
      if (!serve.headers().isEmpty()) {
        // The proxy builds its answer from the origin's; the logon's headers join it on the way
        // out.
        ctx.pipeline()
            .addBefore(ctx.name(), ResponseHeaders.NAME, new ResponseHeaders(serve.headers()));
      }
      exchange.proxy = services.proxy().start(ctx, request, origin, upstream, r.clientAddress());
      exchange.proxy.whenDone(
          future ->
              ctx.executor()
                  .execute(
                      () -> {
                        if (exchange == current) {
                          current.responseComplete = true;
                          current.requestComplete = true;
                          finishIfDone(ctx);
                        }
                      }));
      pump(ctx);
      return;
    }
    FileCache.Lookup resolved = services.files().check(point.directory(), rest);
    if (!resolved.allowed()) {
      services
          .audit()
          .refused(
              r,
              resolved.refusal().status(),
              HResult.E_ACCESSDENIED,
              "path refused: "
                  + resolved.refusal()
                  + (resolved.detail() == null ? "" : " (" + resolved.detail() + ")"));
      answer(
          ctx,
          Responses.text(
              HttpResponseStatus.valueOf(resolved.refusal().status()),
              "not found",
              exchange.keepAlive));
      return;
    }
    exchange.decided = true;
    HttpHeaders extra = null;
    if (!serve.headers().isEmpty()) {
      extra = new DefaultHttpHeaders(false);
      for (var h : serve.headers()) {
        extra.add(h.getKey(), h.getValue());
      }
    }
    ChannelFuture written =
        FileResponder.respond(
            ctx, request, resolved.file(), exchange.keepAlive, extra, services.clock());
    afterResponse(ctx, written);
  }

  private void reject(
      ChannelHandlerContext ctx, Request r, HttpResponseStatus status, String reason) {
    services.audit().refused(r, status.code(), HResult.E_INVALIDARG, reason);
    exchange.decided = true;
    // The rest of a malformed request cannot be trusted to frame the next one.
    ChannelFuture written = ctx.writeAndFlush(Responses.text(status, status.reasonPhrase(), false));
    written.addListener(ChannelFutureListener.CLOSE);
  }

  private void answer(ChannelHandlerContext ctx, FullHttpResponse response) {
    boolean keepAlive = exchange.keepAlive && HttpUtil.isKeepAlive(response);
    exchange.keepAlive = keepAlive;
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    exchange.decided = true;
    afterResponse(ctx, ctx.writeAndFlush(response));
  }

  private void afterResponse(ChannelHandlerContext ctx, ChannelFuture written) {
    Exchange current = exchange;
    written.addListener(
        f -> {
          if (!f.isSuccess()) {
            ctx.close();
            return;
          }
          current.responseComplete = true;
          finishIfDone(ctx);
        });
    pump(ctx);
  }

  private void finishIfDone(ChannelHandlerContext ctx) {
    Exchange current = exchange;
    if (current == null || !current.responseComplete || !current.requestComplete) {
      return;
    }
    exchange = null;
    if (!current.keepAlive) {
      ctx.close();
      return;
    }
    activity.expectNextRequest();
    pump(ctx);
  }
}
