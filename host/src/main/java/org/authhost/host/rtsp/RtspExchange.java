package org.authhost.host.rtsp;

import io.netty.handler.codec.http.FullHttpRequest;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.access.Right;
import org.authhost.host.authn.Request;
import org.authhost.host.authn.Verdict;

/**
 * One RTSP request on its way through the handlers: what each learns about it (the point, the
 * verdict) is added here. Owned by the event loop of its connection.
 */
final class RtspExchange {
  final FullHttpRequest request;
  final String method;
  final String cseq;
  final RtspConnection connection;
  private PublishingPoint point;

  /** The decoded path below the point's prefix, e.g. {@code test/stream=0}. */
  private String rest;

  private Request audited;
  private Verdict.Serve serve;

  /**
   * The {@code Transport} the origin gets (a SETUP's TCP choices only), or null for the client's.
   */
  private String originTransport;

  RtspExchange(FullHttpRequest request, String cseq, RtspConnection connection) {
    this.request = request;
    this.method = request.method().name();
    this.cseq = cseq;
    this.connection = connection;
    this.audited = new Request(connection.client.address(), method, request.uri(), null);
  }

  void routed(PublishingPoint point, String rest) {
    this.point = point;
    this.rest = rest;
    this.audited = new Request(connection.client.address(), method, request.uri(), point);
  }

  void authorized(Verdict.Serve serve) {
    this.serve = serve;
  }

  /**
   * The origin is to get {@code transport} instead of the client's header; the client's request,
   * which plug-ins read, stays as it came.
   */
  void narrowTransport(String transport) {
    this.originTransport = transport;
  }

  /** The {@code Transport} for the origin's copy, or null to forward the client's as it is. */
  String originTransport() {
    return originTransport;
  }

  PublishingPoint point() {
    return point;
  }

  String rest() {
    return rest;
  }

  /** The request as the audit names it. */
  Request audited() {
    return audited;
  }

  /** The verdict to serve, once authorized. */
  Verdict.Serve serve() {
    return serve;
  }

  Right right() {
    return Right.forRtspMethod(method);
  }

  /** The session id of the {@code Session} header (without its parameters), or null. */
  String session() {
    String value = request.headers().get("Session");
    if (value == null) {
      return null;
    }
    int semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.substring(0, semicolon)).strip();
  }
}
