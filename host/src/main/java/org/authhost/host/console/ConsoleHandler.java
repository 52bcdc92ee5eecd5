package org.authhost.host.console;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.authn.ClientConnection;

/**
 * One console connection: its {@link ClientConnection} (a connection-bound handshake such as NTLM
 * lives on it), and one request at a time. Reading stops while a request is answered, but requests
 * the client pipelined are already decoded: they wait here, in order, and each starts only when the
 * answer before it is written, so answers leave in the order the requests came (as the HTTP front's
 * sequencer does; the codec pairs each answer with its request, HEAD included).
 */
final class ConsoleHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** Pipelined requests beyond this close the connection: no browser sends so many. */
  static final int MAX_WAITING = 16;

  private final ConsoleRequests requests;
  private final boolean tls;
  private final ArrayDeque<ConsoleRequests.Incoming> waiting = new ArrayDeque<>();
  private ClientConnection connection;
  private ClientAddress client;

  /** Whether a request is being answered (event loop only). */
  private boolean busy;

  ConsoleHandler(ConsoleRequests requests, boolean tls) {
    this.requests = requests;
    this.tls = tls;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    connection = new ClientConnection(remote, tls);
    connection.closeWith(() -> ctx.channel().close());
    client = ClientAddress.direct(remote.getAddress(), tls);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (connection != null) {
      connection.close();
    }
    waiting.clear();
    super.channelInactive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    ctx.channel().config().setAutoRead(false);
    // The body is copied: the request's buffer goes when this returns, the headers stay readable.
    var incoming = ConsoleRequests.Incoming.of(request, connection, client);
    if (busy) {
      if (waiting.size() >= MAX_WAITING) {
        ctx.close();
        return;
      }
      waiting.add(incoming);
      return;
    }
    start(ctx, incoming);
  }

  private void start(ChannelHandlerContext ctx, ConsoleRequests.Incoming incoming) {
    busy = true;
    CompletableFuture<FullHttpResponse> answered;
    try {
      answered = requests.handle(incoming);
    } catch (RuntimeException e) {
      // Started from a write's listener for a pipelined request, a throw would be lost there.
      answered = CompletableFuture.failedFuture(e);
    }
    answered.whenComplete(
        (response, failure) ->
            ctx.executor()
                .execute(
                    () ->
                        answer(
                            ctx,
                            failure == null
                                ? response
                                : ConsoleApi.failed(failure).response(false))));
  }

  private void answer(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(response);
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!keepAlive || !f.isSuccess()) {
                    waiting.clear();
                    f.channel().close();
                    return;
                  }
                  busy = false;
                  ConsoleRequests.Incoming next = waiting.poll();
                  if (next != null) {
                    start(ctx, next);
                  } else {
                    f.channel().config().setAutoRead(true);
                    f.channel().read();
                  }
                });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
