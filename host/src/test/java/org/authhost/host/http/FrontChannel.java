package org.authhost.host.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.Verdict;
import org.authhost.host.config.HttpConfig;
import org.authhost.host.testing.MutableClock;

/**
 * The HTTP front's request handlers on an {@link EmbeddedChannel}, below the socket level: requests
 * go in as decoded HTTP objects, answers come out as response objects. The client's address is
 * whatever the test says.
 */
final class FrontChannel extends EmbeddedChannel {
  private final InetSocketAddress remote;

  private FrontChannel(InetSocketAddress remote) {
    super(false, false);
    this.remote = remote;
  }

  /**
   * A connection from {@code client} through the handlers of {@code services}, with {@code decide}
   * as the authentication driver.
   */
  static FrontChannel open(
      HttpServices services,
      MutableClock clock,
      String client,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide) {
    FrontChannel ch = new FrontChannel(new InetSocketAddress(client, 50_000));
    ConnectionActivity activity =
        new ConnectionDeadlines(clock, clock, Duration.ofMinutes(1)).newConnection();
    ch.pipeline().addLast("activity", activity);
    new RequestHandlers(services, decide).addTo(ch.pipeline(), activity);
    try {
      ch.register();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return ch;
  }

  /**
   * {@link #open}, with the front's HTTP codec (its configured limits) in front of the handlers, as
   * {@code HttpFront} builds a plain connection: raw bytes go in, encoded answers come out. {@code
   * probe} sits between the codec and the handlers, where it sees every decoded request inbound and
   * every response object outbound.
   */
  static FrontChannel openWire(
      HttpServices services,
      MutableClock clock,
      String client,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide,
      ChannelHandler probe) {
    FrontChannel ch = new FrontChannel(new InetSocketAddress(client, 50_000));
    ConnectionActivity activity =
        new ConnectionDeadlines(clock, clock, Duration.ofMinutes(1)).newConnection();
    ch.pipeline().addLast("activity", activity);
    HttpConfig http = services.limits();
    // The front's own codec (RequestCodec keeps what Netty's decoder would destroy: obs-fold, a
    // Content-Length beside Transfer-Encoding), with its configured limits.
    ch.pipeline()
        .addLast(
            "http", new RequestCodec(http.maxInitialLineBytes(), http.maxHeaderBytes(), 64 * 1024));
    if (probe != null) {
      ch.pipeline().addLast("probe", probe);
    }
    new RequestHandlers(services, decide).addTo(ch.pipeline(), activity);
    try {
      ch.register();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return ch;
  }

  /**
   * Like {@link #open}, with the front's {@link RequestCodec} in front of the handlers: raw bytes
   * go in ({@link #sendRaw}), encoded answers come out ({@link #rawAnswers}).
   */
  static FrontChannel openRaw(
      HttpServices services,
      MutableClock clock,
      String client,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide) {
    return openWire(services, clock, client, decide, null);
  }

  /** Writes {@code text} as bytes off the wire. */
  void sendRaw(String text) {
    writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    runPendingTasks();
  }

  /** Everything written to the wire so far, as text; the buffers are released. */
  String rawAnswers() {
    StringBuilder b = new StringBuilder();
    Object out;
    while ((out = readOutbound()) != null) {
      if (out instanceof ByteBuf buf) {
        b.append(buf.toString(StandardCharsets.ISO_8859_1));
      } else if (out instanceof ByteBufHolder holder) {
        b.append(holder.content().toString(StandardCharsets.ISO_8859_1));
      } else if (out instanceof FileRegion) {
        b.append("<file>");
      }
      ReferenceCountUtil.release(out);
    }
    return b.toString();
  }

  /**
   * The real driver, made to answer before it returns: the verdict comes back on this thread, the
   * embedded channel's loop, so that the hand-back to the loop is not a race with the test.
   */
  static Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> inline(
      AuthenticationDriver driver, Runnable whileDeciding) {
    return a -> {
      CompletableFuture<Verdict> verdict = driver.decide(a);
      whileDeciding.run();
      try {
        return CompletableFuture.completedFuture(verdict.get(10, TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new AssertionError("the driver did not decide", e);
      }
    };
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return remote;
  }

  /** Sends a GET with the given header pairs (name, value, ...), body-less. */
  void get(String uri, String... headers) {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("Host", "test");
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    send(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, h));
  }

  /** Sends {@code request} and the end of its (empty) body. */
  void send(HttpRequest request) {
    writeInbound(request, LastHttpContent.EMPTY_LAST_CONTENT);
    runPendingTasks();
  }

  /** The next complete answer written, its buffer released (the text is kept). */
  Answer answer() {
    Object out = readOutbound();
    if (!(out instanceof HttpResponse response)) {
      throw new AssertionError("expected a response, got " + out);
    }
    String text = "";
    if (response instanceof FullHttpResponse full) {
      text = full.content().toString(StandardCharsets.UTF_8);
    } else {
      // A served file: its region and the end of the response follow.
      Object part;
      while ((part = readOutbound()) != null && !(part instanceof LastHttpContent)) {
        ReferenceCountUtil.release(part);
      }
    }
    ReferenceCountUtil.release(response);
    return new Answer(response.status().code(), response.headers(), text);
  }

  record Answer(int status, HttpHeaders headers, String text) {
    String header(String name) {
      return headers.get(name);
    }
  }
}
