package org.authhost.host.rtsp;

import static io.netty.channel.ChannelFutureListener.CLOSE_ON_FAILURE;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.function.UnaryOperator;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.authn.Refusal;
import org.authhost.host.http.Transport;

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
 * Both ways the messages are bytes, not Netty's HTTP objects: a request is written as the origin
 * gets it ({@link OriginRequest}), an answer read in place ({@link OriginAnswer}) and passed on
 * with only what changes rewritten ({@link RelayedAnswer}). Answers come back with the client's
 * {@code CSeq}, the origin's absolute URLs made client-facing ({@link OriginUrls}) and what the
 * authentication adds ({@code Authentication-Info}); a SETUP's {@code Session} is bound to the
 * connection and identity. Interleaved frames go both ways at any time after a SETUP; before one, a
 * client's frame ends the connection. Back-pressure: while one side cannot take more, the other is
 * not read, so memory stays bounded by the channels' write-buffer marks.
 */
final class RtspRelay extends ChannelInboundHandlerAdapter {
  static final int ORIGIN_MAX_HEAD = 64 * 1024;
  static final int ORIGIN_MAX_BODY = 1024 * 1024;
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;

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
  static OriginConnector sockets(WriteBufferWaterMark marks, Transport transport) {
    // No TCP_NODELAY option: Netty's socket channels (NIO's and epoll's) set it as they are made,
    // and the option set it again, one more system call per session.
    return (client, pipeline, host, port) -> {
      InetSocketAddress address = address(host, port);
      if (address.isUnresolved()) {
        return new Bootstrap() // a name: Netty's resolver looks it up
            .group(client.eventLoop())
            .channelFactory(transport.socketChannels())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
            .handler(pipeline)
            .connect(address);
      }
      // An IP literal (the usual origin): made, registered on the client's loop and connected here,
      // without a bootstrap's maps of options and attributes per session and the task it queues
      // to connect after the registration, which on the client's own loop is done at once.
      Channel origin;
      try {
        origin = originChannel(channels(transport, address), marks, pipeline);
      } catch (RuntimeException e) {
        // No socket to be had (file descriptors exhausted): the origin is unreachable, answered
        // 502 as a failed connect is, as the bootstrap's failed future had it answered.
        return client.newFailedFuture(e);
      }
      ChannelPromise connected = origin.newPromise();
      client
          .eventLoop()
          .register(origin)
          .addListener(
              registered -> {
                if (registered.isSuccess()) {
                  origin.connect(address, connected).addListener(CLOSE_ON_FAILURE);
                } else {
                  origin.unsafe().closeForcibly();
                  connected.setFailure(registered.cause());
                }
              });
      return connected;
    };
  }

  /**
   * The channels for an origin at {@code address} (resolved): an IPv4 address gets an {@code
   * AF_INET} socket, not the dual-stack default (no {@code IPV6_V6ONLY} to set: a system call less
   * per session).
   */
  static ChannelFactory<? extends Channel> channels(
      Transport transport, InetSocketAddress address) {
    return address.getAddress() instanceof Inet4Address
        ? transport.ipv4SocketChannels()
        : transport.socketChannels();
  }

  /**
   * A new origin channel with the relay's options and {@code pipeline}, not yet registered, its
   * reads asked for already ({@link ReadFromRegistration}).
   */
  private static Channel originChannel(
      ChannelFactory<? extends Channel> channels,
      WriteBufferWaterMark marks,
      ChannelHandler pipeline) {
    Channel origin = channels.newChannel();
    try {
      origin.config().setConnectTimeoutMillis(CONNECT_TIMEOUT_MILLIS);
      origin.config().setWriteBufferWaterMark(marks);
      origin.pipeline().addLast(pipeline);
      ReadFromRegistration.ask(origin);
      return origin;
    } catch (RuntimeException e) {
      origin.unsafe().closeForcibly();
      throw e;
    }
  }

  /**
   * The origin's address: an IP literal (the usual origin, a camera or a server beside the host) as
   * it is, so that the connect goes past Netty's resolver (its look-ups per session); a name as
   * before, resolved by it.
   */
  static InetSocketAddress address(String host, int port) {
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
    if (literal != null) {
      try {
        return new InetSocketAddress(InetAddress.getByAddress(literal), port);
      } catch (UnknownHostException e) {
        // Not a length getByAddress takes: left to the resolver.
      }
    }
    return InetSocketAddress.createUnresolved(host, port);
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
    credentials = OriginCredentials.of(point.origin().getRawUserInfo(), urls.host);
    Channel clientChannel = ctx.channel();
    connector
        .connect(
            clientChannel,
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                // No HTTP codec: the framer hands on whole messages, read in place and passed
                // on as bytes (OriginAnswer, RelayedAnswer); requests go as bytes (OriginRequest).
                ch.pipeline()
                    .addLast("framer", new RtspFramer(ORIGIN_MAX_HEAD, ORIGIN_MAX_BODY))
                    .addLast("frames-out", InterleavedFrameEncoder.INSTANCE)
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
    String authorization =
        credentials == null ? null : credentials.authorization(exchange.method, uri);
    ByteBuf out =
        OriginRequest.encode(
            origin.alloc(),
            exchange.method,
            uri,
            exchange.request.headers(),
            exchange.originTransport(),
            forwarded.body(exchange.request.content().retainedDuplicate()),
            authorization,
            forwarded);
    inFlight.add(new InFlight(exchange, retried));
    origin.writeAndFlush(out);
  }

  /** The origin's answer to the oldest request in flight (RTSP answers in order). */
  private void answered(OriginAnswer response) {
    InFlight sent = inFlight.poll();
    if (sent == null) {
      return; // an answer to nothing: dropped
    }
    RtspExchange exchange = sent.exchange();
    int status = response.status;
    if (status == 401
        && !sent.retried()
        && credentials != null
        && credentials.challenged(response.all(OriginAnswer.Kind.CHALLENGE))) {
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
        String session = session(response.first(OriginAnswer.Kind.SESSION));
        if (session != null) {
          connection.bind(session, exchange.serve(), exchange.right());
        }
      }
      client.writeAndFlush(
          RelayedAnswer.of(
              response, exchange.cseq, exchange.serve().headers(), urls, client.alloc()));
    } finally {
      exchange.request.release();
    }
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
    // Not again once closed: each close of a channel, even of a closed one, makes Netty's
    // exception for the writes it fails and walks the pipeline; one session's end made three.
    if (origin != null && origin.isOpen()) {
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
        if (msg instanceof ByteBuf message && OriginAnswer.isAnswer(message)) {
          OriginAnswer answer = OriginAnswer.read(message);
          if (answer != null) {
            answered(answer);
          } else {
            originBroken(ctx, "the origin sent an answer AuthHost cannot read");
          }
        } else if (msg instanceof FramingError) {
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
      if (!ending && client.isOpen()) {
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
