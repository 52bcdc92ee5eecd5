package org.authhost.host.console;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import org.authhost.host.access.ClientAddress;
import org.authhost.host.authn.ClientConnection;

/**
 * One console connection: its {@link ClientConnection} (a connection-bound handshake such as NTLM
 * lives on it), and one request at a time — reading stops while a request is answered, so answers
 * leave in the order the requests came.
 */
final class ConsoleHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final ConsoleRequests requests;
  private final boolean tls;
  private ClientConnection connection;
  private ClientAddress client;

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
    super.channelInactive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    ctx.channel().config().setAutoRead(false);
    var incoming = ConsoleRequests.Incoming.of(request, connection, client);
    requests
        .handle(incoming)
        .whenComplete(
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
                    f.channel().close();
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
