package org.authhost.host.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.rtsp.RtspDecoder;
import io.netty.handler.codec.rtsp.RtspEncoder;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspVersions;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.authn.Refusal;

/**
 * Relays an authorized client connection to the point's origin: one origin connection per client
 * connection, so that session ids and interleaved channel numbers pass unchanged. It is opened on
 * the client's event loop as soon as the first request names the point ({@link PointChosen}), while
 * that request is still being authenticated, so that the client's challenge round trip and the
 * origin's connect overlap; nothing is sent to it before a request is authorized. Requests go with
 * the origin's URL, without the client's {@code Authorization} and without any query parameter that
 * carries a plug-in's credential (API 1.4's URL credentials: in the request line and in every
 * header), so a signature or token never reaches the origin; if the origin challenges, AuthHost
 * answers with the origin credentials from config ({@link OriginCredentials}), once per request.
 * Answers come back with the client's {@code CSeq}, the origin's absolute URLs made client-facing
 * ({@link OriginUrls}) and what the authentication adds ({@code Authentication-Info}); a SETUP's
 * {@code Session} is bound to the connection and identity. Interleaved frames go both ways at any
 * time after a SETUP; before one, a client's frame ends the connection. Back-pressure: while one
 * side cannot take more, the other is not read, so memory stays bounded by the channels'
 * write-buffer marks.
 */
final class RtspRelay extends ChannelInboundHandlerAdapter {
  static final int ORIGIN_MAX_HEAD = 64 * 1024;
  static final int ORIGIN_MAX_BODY = 1024 * 1024;
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  /** The origin's answer headers that may hold its absolute URLs. */
  private static final List<CharSequence> URL_HEADERS =
      List.of(
          RtspHeaderNames.CONTENT_BASE,
          RtspHeaderNames.CONTENT_LOCATION,
          RtspHeaderNames.RTP_INFO,
          HttpHeaderNames.LOCATION);

  /**
   * Headers of the client's request the origin never gets: its credentials (for AuthHost), the
   * hop-by-hop ones ({@link #removeHopByHop}) and the length (set for the body as forwarded).
   */
  private static final List<AsciiString> NOT_FORWARDED =
      List.of(
          RtspHeaderNames.AUTHORIZATION,
          AsciiString.cached("proxy-authorization"),
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.EXPECT,
          HttpHeaderNames.UPGRADE,
          RtspHeaderNames.CONTENT_LENGTH);

  /** The origin request's headers: names and values were validated as the client's were decoded. */
  private static final HttpHeadersFactory FORWARDED_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  /** Requests held while the origin connection is being made; past it the client is cut. */
  static final int MAX_NOT_SENT = 16;

  private final RtspConnection connection;
  private final RtspAnswers answers;
  private final ArrayDeque<RtspExchange> notSent = new ArrayDeque<>();
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private Channel client;
  private Channel origin;
  private OriginUrls urls;
  private OriginCredentials credentials;

  /** Frames written to one side and not yet flushed (flushed when a read of the other ends). */
  private boolean originUnflushed;

  private boolean clientUnflushed;

  /** The client connection is closing: the origin's end must not close it again at once. */
  private boolean ending;

  /** Why the origin connection could not be made, or null. */
  private String unreachable;

  private final ForwardedText forwarded;
  private final OriginConnector connector;

  /** A request sent to the origin and not yet answered. */
  private record InFlight(RtspExchange exchange, boolean retried) {}

  /**
   * The point a connection's first request named (a user event from {@link RtspRouting}): the
   * origin connection can be made now.
   */
  record PointChosen(PublishingPoint point, String target) {}

  /** Opens the origin connection: a socket in the host, an {@code EmbeddedChannel} in a test. */
  interface OriginConnector {
    ChannelFuture connect(Channel client, ChannelHandler pipeline, String host, int port);
  }

  /**
   * The host's connector: a TCP connection on the client's event loop, so of its transport ({@code
   * channels}: NIO's or epoll's socket channel, as the front's loops are).
   */
  static OriginConnector sockets(
      WriteBufferWaterMark marks, ChannelFactory<? extends Channel> channels) {
    return (client, pipeline, host, port) ->
        new Bootstrap()
            .group(client.eventLoop())
            .channelFactory(channels)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
            .handler(pipeline)
            .connect(host, port);
  }

  /**
   * @param withoutCredentials a URL without the query parameters that carry a plug-in's credential
   *     ({@code UrlCredentials.withoutCredentials})
   */
  RtspRelay(
      RtspConnection connection,
      RtspAnswers answers,
      UnaryOperator<String> withoutCredentials,
      OriginConnector connector) {
    this.connection = connection;
    this.answers = answers;
    this.forwarded = new ForwardedText(withoutCredentials);
    this.connector = connector;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelOutputShutdownEvent) {
      // The client connection is closing (FinBeforeClose ended its output and lingers to drain
      // the client's input): the session ends now, and the origin with it, so that no media keeps
      // the lingering connection busy.
      ending = true;
      if (origin != null) {
        origin.close();
      }
    }
    if (evt instanceof PointChosen chosen) {
      // Not for a connection that is ending: an origin connection opened now would only be closed.
      if (urls == null && !ending) {
        connect(ctx, chosen.point(), chosen.target());
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    client = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof InterleavedFrame frame) {
      fromClient(ctx, frame);
    } else if (msg instanceof RtspExchange exchange) {
      if (ending) {
        exchange.request.release(); // the connection is closing: nothing more goes to the origin
      } else if (unreachable != null) {
        refuseUnreachable(ctx.channel(), exchange);
      } else if (origin == null) {
        if (notSent.size() >= MAX_NOT_SENT) {
          exchange.request.release();
          answers.refuse(
              ctx.channel(),
              exchange,
              Refusal.busy(
                      "too many requests before the origin answered",
                      1,
                      "RTSP client sent more than "
                          + MAX_NOT_SENT
                          + " requests while the origin connection was being made")
                  .withClose(true));
          return;
        }
        notSent.add(exchange);
        if (urls == null) {
          connect(ctx, exchange.point(), exchange.request.uri());
        }
      } else {
        send(exchange, false);
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void fromClient(ChannelHandlerContext ctx, InterleavedFrame frame) {
    if (origin == null || !origin.isActive()) {
      frame.release(); // media before the origin is there is lost, as it would be over UDP
      return;
    }
    // Flushed once per read of the client's socket (channelReadComplete), not once per frame.
    origin.write(frame, origin.voidPromise());
    originUnflushed = true;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (originUnflushed) {
      originUnflushed = false;
      if (origin != null) {
        origin.flush();
      }
    }
    super.channelReadComplete(ctx);
  }

  private void connect(ChannelHandlerContext ctx, PublishingPoint point, String target) {
    urls = OriginUrls.of(point, target, connection.local, connection.secure);
    credentials =
        OriginCredentials.of(
            point.origin().getRawUserInfo(), OriginCredentials.loopback(urls.host));
    Channel clientChannel = ctx.channel();
    connector
        .connect(
            clientChannel,
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast("framer", new RtspFramer(ORIGIN_MAX_HEAD, ORIGIN_MAX_BODY))
                    .addLast("frames-out", InterleavedFrameEncoder.INSTANCE)
                    .addLast(
                        "rtsp-decoder", new RtspDecoder(8192, ORIGIN_MAX_HEAD, ORIGIN_MAX_BODY))
                    .addLast("rtsp-encoder", new RtspEncoder())
                    .addLast("aggregate", new HttpObjectAggregator(ORIGIN_MAX_BODY))
                    .addLast("origin", new FromOrigin());
              }
            },
            urls.host,
            urls.port)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                unreachable(clientChannel, String.valueOf(f.cause()));
                return;
              }
              origin = f.channel();
              if (ending || !clientChannel.isActive()) {
                origin.close();
                return;
              }
              reads();
              RtspExchange e;
              while ((e = notSent.poll()) != null) {
                send(e, false);
              }
            });
  }

  /**
   * The origin connection failed: the requests waiting for it, and any authorized later, are
   * answered 502. A client still being challenged is not cut: it learns of the origin once it is
   * authorized, as before the connection was made early.
   */
  private void unreachable(Channel clientChannel, String why) {
    unreachable = why;
    RtspExchange e;
    while ((e = notSent.poll()) != null) {
      refuseUnreachable(clientChannel, e);
    }
  }

  private void refuseUnreachable(Channel clientChannel, RtspExchange e) {
    e.request.release();
    answers.refuse(
        clientChannel,
        e,
        Refusal.content(502, "the origin is unreachable", "RTSP origin unreachable: " + unreachable)
            .withClose(true));
  }

  /** Sends the client's request to the origin, with the origin's URL and AuthHost's credentials. */
  private void send(RtspExchange exchange, boolean retried) {
    String uri =
        urls.toOrigin(
            forwarded.url(exchange.request.uri()), exchange.point().prefix(), exchange.rest());
    // A copy for the origin, made in one pass without validating again what the decoder did: the
    // client's headers stay as they came, since plug-ins read them through HttpCommandContext (a
    // view, read lazily, maybe on a plug-in's thread), and AuthHost's origin credentials must never
    // appear in them.
    HttpHeaders headers = FORWARDED_HEADERS.newHeaders();
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it =
            exchange.request.headers().iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> h = it.next();
      if (isForwarded(h.getKey())) {
        headers.add(h.getKey(), h.getValue());
      }
    }
    FullHttpRequest out =
        new DefaultFullHttpRequest(
            RtspVersions.RTSP_1_0,
            exchange.request.method(),
            uri,
            forwarded.body(exchange.request.content().retainedDuplicate()),
            headers,
            EmptyHttpHeaders.INSTANCE);
    if (anyQuery(headers)) {
      for (String name : new ArrayList<>(headers.names())) {
        // Any header may carry the URL (Content-Base, Content-Location, Referer, ...).
        List<String> values = headers.getAll(name);
        if (values.stream().anyMatch(v -> v.indexOf('?') >= 0)) {
          headers.remove(name);
          for (String v : values) {
            headers.add(name, forwarded.text(v));
          }
        }
      }
    }
    if (exchange.originTransport() != null) {
      headers.set(RtspHeaderNames.TRANSPORT, exchange.originTransport());
    }
    headers.setInt(RtspHeaderNames.CONTENT_LENGTH, out.content().readableBytes());
    if (out.content().readableBytes() == 0) {
      headers.remove(RtspHeaderNames.CONTENT_LENGTH);
    }
    String authorization =
        credentials == null ? null : credentials.authorization(exchange.method, uri);
    if (authorization != null) {
      headers.set(RtspHeaderNames.AUTHORIZATION, authorization);
    }
    inFlight.add(new InFlight(exchange, retried));
    origin.writeAndFlush(out);
  }

  private static boolean isForwarded(CharSequence name) {
    for (AsciiString n : NOT_FORWARDED) {
      if (n.contentEqualsIgnoreCase(name)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a header value holds a query (and so maybe a URL credential): one pass over the
   * headers, without the copies of the rewrite, which most requests (no query anywhere) skip.
   */
  private static boolean anyQuery(HttpHeaders headers) {
    Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
    while (it.hasNext()) {
      CharSequence value = it.next().getValue();
      for (int i = 0; i < value.length(); i++) {
        if (value.charAt(i) == '?') {
          return true;
        }
      }
    }
    return false;
  }

  /** The origin's answer to the oldest request in flight (RTSP answers in order). */
  private void answered(FullHttpResponse response) {
    InFlight sent = inFlight.poll();
    if (sent == null) {
      return; // an answer to nothing: dropped
    }
    RtspExchange exchange = sent.exchange();
    int status = response.status().code();
    if (status == 401
        && !sent.retried()
        && credentials != null
        && credentials.challenged(response.headers().getAll(RtspHeaderNames.WWW_AUTHENTICATE))) {
      send(exchange, true);
      return;
    }
    try {
      if (status == 401 || status == 407) {
        answers.refuse(
            client,
            exchange,
            Refusal.content(
                502,
                "the origin refused AuthHost",
                "RTSP origin answered "
                    + status
                    + (credentials == null
                        ? ": it needs credentials; put them in the point's origin URL"
                        : credentials.basicWithheld()
                            ? ": it offers only Basic, which AuthHost sends in clear to a loopback"
                                + " origin only; enable Digest on the origin"
                            : ": it refused the origin credentials in the point's origin URL")));
        return;
      }
      if (exchange.method.equals("SETUP") && status / 100 == 2) {
        String session = session(response.headers().get(RtspHeaderNames.SESSION));
        if (session != null) {
          connection.bind(session, exchange.serve(), exchange.right());
        }
      }
      client.writeAndFlush(toClient(exchange, response));
    } finally {
      exchange.request.release();
    }
  }

  private FullHttpResponse toClient(RtspExchange exchange, FullHttpResponse response) {
    // The origin's headers, changed in place and not copied (the answer is released after this);
    // the body last, so that nothing that may throw comes between its allocation and the answer.
    HttpHeaders headers = response.headers();
    String type = headers.get(RtspHeaderNames.CONTENT_TYPE);
    headers.remove(RtspHeaderNames.WWW_AUTHENTICATE);
    removeHopByHop(headers);
    for (CharSequence name : URL_HEADERS) {
      String value = headers.get(name);
      if (value != null) {
        headers.set(name, urls.toClient(value));
      }
    }
    headers.set(RtspHeaderNames.CSEQ, exchange.cseq);
    for (Map.Entry<String, String> h : exchange.serve().headers()) {
      headers.add(h.getKey(), h.getValue());
    }
    ByteBuf body = response.content();
    ByteBuf content;
    if (body.isReadable()
        && type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
      String sdp = urls.toClient(body.toString(StandardCharsets.UTF_8));
      // In the client channel's allocator (pooled, direct with epoll): a heap buffer would be
      // copied into a direct one again to be written.
      content = ByteBufUtil.writeUtf8(client.alloc(), sdp);
    } else {
      content = body.retainedDuplicate();
    }
    if (content.isReadable()) {
      headers.setInt(RtspHeaderNames.CONTENT_LENGTH, content.readableBytes());
    } else {
      headers.remove(RtspHeaderNames.CONTENT_LENGTH);
    }
    // No trailers: an origin's are not the client's (and without Transfer-Encoding none are sent).
    return new DefaultFullHttpResponse(
        RtspVersions.RTSP_1_0, response.status(), content, headers, EmptyHttpHeaders.INSTANCE);
  }

  /**
   * Headers about one hop's framing, not the message: a relayed {@code Transfer-Encoding} would
   * make the encoder frame the body as chunks the other side reads as further messages.
   */
  private static void removeHopByHop(HttpHeaders headers) {
    headers.remove(io.netty.handler.codec.http.HttpHeaderNames.TRANSFER_ENCODING);
    headers.remove(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION);
    headers.remove(io.netty.handler.codec.http.HttpHeaderNames.EXPECT);
    headers.remove(io.netty.handler.codec.http.HttpHeaderNames.UPGRADE);
  }

  static String session(String header) {
    if (header == null) {
      return null;
    }
    int semicolon = header.indexOf(';');
    String id = (semicolon < 0 ? header : header.substring(0, semicolon)).strip();
    return id.isEmpty() ? null : id;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    reads();
    super.channelWritabilityChanged(ctx);
  }

  /**
   * Back-pressure, in this one place for both sides: the client is read only while it takes what is
   * written to it (the relay's media and the host's own answers alike: a client that sends requests
   * and never reads the answers stops being read) and the origin takes what the client sends; the
   * origin is read only while the client takes more.
   */
  private void reads() {
    boolean clientTakes = client.isWritable();
    client.config().setAutoRead(clientTakes && (origin == null || origin.isWritable()));
    if (origin != null) {
      origin.config().setAutoRead(clientTakes);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (origin != null) {
      origin.close();
    }
    release();
    super.channelInactive(ctx);
  }

  private void release() {
    RtspExchange e;
    while ((e = notSent.poll()) != null) {
      e.request.release();
    }
    InFlight f;
    while ((f = inFlight.poll()) != null) {
      f.exchange().request.release();
    }
  }

  /** The origin side: answers and frames back to the client. */
  private final class FromOrigin extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof InterleavedFrame frame) {
        if (client.isActive()) {
          // One flush (one write system call) for the frames of one read of the origin's socket:
          // at 50 sessions a flush per frame was a system call per RTP packet on each side.
          client.write(frame, client.voidPromise());
          clientUnflushed = true;
        } else {
          frame.release();
        }
        return;
      }
      try {
        if (msg instanceof FullHttpResponse response && response.decoderResult().isSuccess()) {
          answered(response);
        } else if (msg instanceof FramingError || msg instanceof FullHttpResponse) {
          originBroken(ctx, "the origin sent a message AuthHost cannot read");
        }
        // A request from the origin (a server-to-client ANNOUNCE or GET_PARAMETER) is not relayed.
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
      if (clientUnflushed) {
        clientUnflushed = false;
        client.flush();
      }
      super.channelReadComplete(ctx);
    }

    private void originBroken(ChannelHandlerContext ctx, String why) {
      InFlight f = inFlight.poll();
      if (f != null) {
        f.exchange().request.release();
        answers.refuse(
            client,
            f.exchange(),
            Refusal.content(502, "the origin failed", "RTSP origin: " + why).withClose(true));
      }
      ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      reads();
      super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      // The origin ended the session (or failed): so does the client's connection (unless that is
      // already closing, lingering for the client's end).
      if (!ending) {
        client.close();
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
