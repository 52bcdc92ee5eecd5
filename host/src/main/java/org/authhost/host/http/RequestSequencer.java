package org.authhost.host.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.TrustedProxies;
import org.authhost.host.authn.ClientConnection;
import org.authhost.host.metrics.AnswerCounts;

/**
 * One connection's requests, one at a time, and its keep-alive: pipelined requests wait their turn;
 * each request head becomes an {@link Exchange} that the handlers after this one answer; its body
 * goes to the origin or is discarded once it is decided; when both the answer and the request are
 * complete the connection is closed or waits for the next head.
 *
 * <p>Not Netty's {@code HttpServerKeepAliveHandler}: that one decides from the response alone,
 * while here a request whose body did not arrive in full (a proxy failure, a refusal mid-upload)
 * cannot be followed by another on the same connection, and requests are answered strictly one
 * after another rather than counted.
 */
final class RequestSequencer extends ChannelInboundHandlerAdapter {
  private final ConnectionActivity activity;
  private final TrustedProxies trustedProxies;
  private final AnswerCounts httpAnswers;
  private final ArrayDeque<Object> inbound = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private ClientConnection connection;

  /** Whether the peer is a trusted proxy, whose requests name their clients; decided once. */
  private boolean peerIsProxy;

  private Exchange exchange;

  RequestSequencer(
      ConnectionActivity activity, TrustedProxies trustedProxies, AnswerCounts httpAnswers) {
    this.activity = activity;
    this.trustedProxies = trustedProxies;
    this.httpAnswers = httpAnswers;
  }

  /** Where the HTTP front's answers are counted. */
  AnswerCounts httpAnswers() {
    return httpAnswers;
  }

  /**
   * Where the answer being written now is counted: the current request's front, or the HTTP front's
   * for an answer that belongs to no request (there is none such today).
   */
  AnswerCounts answering() {
    Exchange current = exchange;
    return current == null ? httpAnswers : current.front();
  }

  ConnectionActivity activity() {
    return activity;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    connection = new ClientConnection(remote, ctx.pipeline().get(SslHandler.class) != null);
    connection.closeWith(() -> ctx.channel().close());
    peerIsProxy = trustedProxies.trusts(connection.direct.inet());
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
    pump();
    if (!inbound.isEmpty() && !onlyAnEmptyEnd()) {
      // Something read waits for the request in progress (its body before the decision, a
      // pipelined request): no more is read until it moves, so what a connection holds is bounded
      // by one read (two after a bodiless request's empty end, which holds nothing). Reading is not
      // stopped for every request as it begins: a keep-alive client sends its next request after
      // the answer, and on the native transport each stop and resume of reading is an epoll_ctl
      // system call, two per request for nothing.
      ctx.channel().config().setAutoRead(false);
    }
  }

  /**
   * Whether all that waits is the empty end of a request without a body (a GET waiting for an
   * asynchronous decision, such as a Digest count checked in Redis): it holds no bytes, so reading
   * goes on (a next, pipelined request stops it when read), saving the two {@code epoll_ctl} calls
   * per request of a stop and a resume.
   */
  private boolean onlyAnEmptyEnd() {
    return inbound.size() == 1
        && inbound.peek() instanceof LastHttpContent end
        && !end.content().isReadable()
        && end.trailingHeaders().isEmpty()
        && end.decoderResult().isSuccess();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets, TLS garbage and the like: the connection is over, the server is not.
    ctx.close();
  }

  boolean isCurrent(Exchange e) {
    return exchange == e;
  }

  private void pump() {
    while (!inbound.isEmpty()) {
      Object msg = inbound.peek();
      if (msg instanceof HttpRequest request) {
        if (exchange != null) {
          return;
        }
        inbound.poll();
        begin(request);
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
        finishIfDone();
      }
    }
    // While a proxy exchange runs, reading is the proxy's to pause and resume (backpressure).
    if (exchange == null || (exchange.decided && exchange.proxy == null)) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void begin(HttpRequest request) {
    exchange = new Exchange(this, ctx, request, connection, clientAddress(request));
    if (request instanceof LastHttpContent) {
      // The decoder's stand-in for a request it could not read: there is no more of it to come.
      exchange.requestComplete = true;
    }
    activity.requestBegun();
    ctx.fireChannelRead(exchange);
  }

  /**
   * The client of a request, decided here and nowhere else: what the audit, the lockout, the
   * address lists, the Basic offer, the plug-ins and the origin are told. The peer of the socket,
   * one value made once per connection; but when the peer is a trusted proxy ({@code
   * security.trustedProxies}), the client its forwarding headers name, per request, because one
   * proxy connection carries many clients' requests.
   */
  private ClientAddress clientAddress(HttpRequest request) {
    return peerIsProxy
        ? ForwardedClient.behind(trustedProxies, connection, request.headers())
        : connection.direct;
  }

  void proxying(Exchange current) {
    current.proxy.whenDone(
        future ->
            ctx.executor()
                .execute(
                    () -> {
                      if (exchange == current) {
                        current.responseComplete = true;
                        current.requestComplete = true;
                        finishIfDone();
                      }
                    }));
    pump();
  }

  void afterResponse(Exchange current, ChannelFuture written) {
    written.addListener(
        f -> {
          if (!f.isSuccess()) {
            ctx.close();
            return;
          }
          current.responseComplete = true;
          finishIfDone();
        });
    pump();
  }

  private void finishIfDone() {
    Exchange current = exchange;
    if (current == null || !current.responseComplete || !current.requestComplete) {
      return;
    }
    exchange = null;
    if (!current.keepAlive()) {
      ctx.close();
      return;
    }
    activity.expectNextRequest();
    pump();
  }
}
