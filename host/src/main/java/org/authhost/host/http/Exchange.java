package org.authhost.host.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.authn.ClientConnection;
import org.authhost.host.authn.Request;
import org.authhost.host.authn.Verdict;
import org.authhost.host.http.content.OriginProxy;
import org.authhost.host.metrics.AnswerCounts;

/**
 * One request on its way through the request handlers, from the {@link RequestSequencer} that began
 * it to whichever handler answers it. Every handler reads what the ones before it found (the client
 * address, the canonical path, the publishing point, the verdict) and either answers or passes it
 * on. Touched only on the connection's event loop.
 */
final class Exchange {
  private final RequestSequencer owner;
  private final ChannelHandlerContext ctx;
  private final HttpRequest request;
  private final ClientConnection connection;
  private final ClientAddress client;
  private Request audited;
  private String path;
  private PublishingPoint point;
  private Verdict.Serve serve;
  private boolean keepAlive;
  private AnswerCounts front;
  boolean decided;
  boolean requestComplete;
  boolean responseComplete;
  OriginProxy.ProxyExchange proxy;

  Exchange(
      RequestSequencer owner,
      ChannelHandlerContext ctx,
      HttpRequest request,
      ClientConnection connection,
      ClientAddress client) {
    this.owner = owner;
    this.ctx = ctx;
    this.request = request;
    this.connection = connection;
    this.client = client;
    this.keepAlive = HttpUtil.isKeepAlive(request);
    this.front = owner.httpAnswers();
    this.audited = new Request(client.address(), request.method().name(), request.uri(), null);
  }

  /**
   * The context every answer is written from: the sequencer's, so that whatever sits in front of it
   * (the logon's {@link ResponseHeaders}) sees every response.
   */
  ChannelHandlerContext ctx() {
    return ctx;
  }

  HttpRequest request() {
    return request;
  }

  ClientConnection connection() {
    return connection;
  }

  /**
   * The client of this request, as the {@link RequestSequencer} resolved it (behind a trusted
   * proxy, the client its forwarding headers name): the one value the audit, the lockout, the
   * address lists, the Basic offer, the plug-ins and the origin's {@code X-Forwarded-For} use.
   */
  ClientAddress client() {
    return client;
  }

  /** {@link #client()}'s address as text, as the audit and the plug-ins see it. */
  String clientText() {
    return client.address();
  }

  /** The connection's timekeeping: the host deciding a request is not the client idling. */
  ConnectionActivity activity() {
    return owner.activity();
  }

  /** The request as the audit describes it, with its publishing point once routed. */
  Request audited() {
    return audited;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  /** The canonical path, once routed. */
  String path() {
    return path;
  }

  /** The publishing point, once routed. */
  PublishingPoint point() {
    return point;
  }

  void routed(String path, PublishingPoint point) {
    this.path = path;
    this.point = point;
    this.audited = new Request(client.address(), request.method().name(), request.uri(), point);
  }

  /** The driver's verdict to serve, once authorized. */
  Verdict.Serve serve() {
    return serve;
  }

  void authorized(Verdict.Serve serve) {
    this.serve = serve;
  }

  /** Where its answer is counted: the HTTP front's, unless a streaming server's call. */
  AnswerCounts front() {
    return front;
  }

  /** The request is a streaming server's call, counted as its front's. */
  void front(AnswerCounts front) {
    this.front = front;
  }

  /** Whether the connection closed or another request took this one's place. */
  boolean isOver() {
    return !owner.isCurrent(this) || !ctx.channel().isActive();
  }

  /**
   * Answers with a complete response; the connection stays only if both sides want it.
   *
   * @return the write
   */
  ChannelFuture answer(FullHttpResponse response) {
    keepAlive = keepAlive && HttpUtil.isKeepAlive(response);
    if (!keepAlive) {
      response.headers().set("Connection", "close");
    }
    ChannelFuture written = ctx.writeAndFlush(response);
    responded(written);
    return written;
  }

  /** A response the file responder is writing; {@code written} is its last write. */
  void responded(ChannelFuture written) {
    decided = true;
    owner.afterResponse(this, written);
  }

  /** The request goes to the origin, which answers it and reads the rest of its body. */
  void proxying(OriginProxy.ProxyExchange proxy) {
    decided = true;
    this.proxy = proxy;
    owner.proxying(this);
  }
}
