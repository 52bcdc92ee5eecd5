package org.authhost.host.http.content;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/**
 * A streaming reverse proxy to an upstream HTTP origin, one upstream connection per request.
 *
 * <p>{@link #start} opens a connection to the origin with a {@link Bootstrap} on the client
 * channel's own event loop (same transport as the client channel; the {@code group} given to the
 * constructor, which must then be a NIO group, is only used when the client channel is not a socket
 * channel, e.g. in embedded tests), with an {@link HttpClientCodec} and no aggregator: nothing is
 * ever buffered beyond a few decoder chunks in either direction.
 *
 * <p>The upstream request:
 *
 * <ul>
 *   <li>is the client's method and headers, with {@code pathAndQuery} as the target;
 *   <li>loses the hop-by-hop headers ({@code Connection} and every header it names, {@code
 *       Keep-Alive}, {@code Proxy-*}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding},
 *       {@code Upgrade}) and {@code Expect}, with the body's framing ({@code Content-Length} or
 *       chunked) re-established by the proxy itself, so a hostile {@code Connection} header cannot
 *       change it;
 *   <li>loses {@code Authorization}: the client's credentials are for this host, never for the
 *       origin;
 *   <li>gets {@code Host} set to the origin's authority, and {@code X-Forwarded-For} (the client
 *       address), {@code X-Forwarded-Proto} ({@code https} when the client channel has an {@link
 *       SslHandler}) and {@code X-Forwarded-Host} (the client's {@code Host}). This host is the
 *       edge, so forwarding headers the client sent ({@code X-Forwarded-*}, {@code Forwarded}) are
 *       replaced, not appended to;
 *   <li>says {@code Connection: close}: the upstream connection is closed after the exchange.
 * </ul>
 *
 * <p>A client that sent {@code Expect: 100-continue} (and whose expectation no earlier handler
 * answered) is sent {@code 100 Continue} once the origin connection is up.
 *
 * <p>The response is streamed back as it comes: status, headers minus the hop-by-hop ones, body
 * chunks. A response with a {@code Content-Length} keeps it; one without gets chunked encoding for
 * an HTTP/1.1 client (so the connection can be kept) and is delimited by closing the connection for
 * an HTTP/1.0 one. The client connection is kept alive when the client asked for it and the
 * response has a length or is chunked. Interim (1xx) responses of the origin are not forwarded; 101
 * is a 502 (no upgrades through the proxy).
 *
 * <p>Backpressure both ways: while the upstream channel is not writable the client channel's {@code
 * autoRead} is off (restored when it drains), and while the client channel is not writable the
 * upstream channel's {@code autoRead} is off (restored when the client's writes drain).
 *
 * <p>Failures: an origin that cannot be reached, resets, or answers garbage before the response
 * starts gives a 502 with a short text body; the timeout (default 30 s) gives a 504 when it passes
 * while connecting or while waiting for the first byte of the response. It applies as an idle
 * timeout: time the origin spends waiting for the client (a slow upload, or a client that does not
 * read the response) does not count against it, and once the response has started, an origin that
 * stalls for that long has its response cut short (the client connection is closed, as it is for
 * any failure after the status line has gone out). After a 502 or 504 the client connection is kept
 * only if the request had been received completely and the client asked for keep-alive.
 *
 * <p>{@code https} origins are verified against the JDK trust store with host name verification,
 * unless another client {@link SslContext} is given. Origin host names are resolved by Netty's
 * default resolver (the JDK's, with its cache).
 */
public final class OriginProxy {

  /** The default timeout for connecting and for the first byte of the response. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final EventLoopGroup group;
  private final long timeoutNanos;
  private final SslContext configuredSslContext;
  private final HostClock clock;
  private final Scheduler scheduler;
  private SslContext defaultSslContext;

  /**
   * @param group the group for upstream connections when the client channel's own event loop cannot
   *     be used (see the class comment); may be null when clients are always socket channels
   * @param timeout the connect, first-byte and upstream idle timeout, measured on {@code clock} and
   *     waited for on {@code scheduler}
   * @param clientSslContext the client TLS context for {@code https} origins; null for one that
   *     trusts the JDK trust store and verifies host names
   * @param clock the host's clock
   * @param scheduler the host's scheduler
   */
  public OriginProxy(
      EventLoopGroup group,
      Duration timeout,
      SslContext clientSslContext,
      HostClock clock,
      Scheduler scheduler) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.group = group;
    this.timeoutNanos = timeout.toNanos();
    this.configuredSslContext = clientSslContext;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  HostClock clock() {
    return clock;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Starts proxying an authorized request. Call it on the client channel's event loop when the
   * request's head has arrived, then hand every following {@code HttpContent} of the request to
   * {@link ProxyExchange#content}. The response (or a 502/504) is written to {@code client}.
   *
   * @param client the context of the handler that received the request
   * @param request the request head (not modified)
   * @param origin the origin, {@code http://host[:port]} or {@code https://host[:port]}; only its
   *     scheme, host and port are used
   * @param pathAndQuery the complete origin-form target to request, raw (percent-encoded) as on the
   *     wire, e.g. {@code /base/live/index.m3u8?x=1}; the caller maps the publishing point's prefix
   *     to the origin's path. Used as is: the proxy does not add the origin URI's path
   * @param clientAddress the client's address for {@code X-Forwarded-For}, or null
   */
  public ProxyExchange start(
      ChannelHandlerContext client,
      HttpRequest request,
      URI origin,
      String pathAndQuery,
      String clientAddress) {
    return start(client, request, origin, pathAndQuery, clientAddress, Refusals.UNAUDITED);
  }

  /**
   * As {@link #start(ChannelHandlerContext, HttpRequest, URI, String, String)}, with the front's
   * one place for refusals: the proxy's 400/502/504 are audited and rendered by {@code refusals}.
   */
  public ProxyExchange start(
      ChannelHandlerContext client,
      HttpRequest request,
      URI origin,
      String pathAndQuery,
      String clientAddress,
      Refusals refusals) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(refusals, "refusals");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    ProxyExchangeImpl exchange =
        new ProxyExchangeImpl(this, client, request, timeoutNanos, refusals);
    exchange.onLoop(() -> exchange.begin(origin, pathAndQuery, clientAddress));
    return exchange;
  }

  /**
   * The upstream request's target: {@code pathAndQuery} as is (with a leading slash added if it has
   * none), or null when it is not a clean origin-form target (spaces, controls, non-ASCII, '#').
   */
  static String target(String pathAndQuery) {
    for (int i = 0; i < pathAndQuery.length(); i++) {
      char c = pathAndQuery.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '#') {
        return null;
      }
    }
    return pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery;
  }

  /** The value of {@code Host} for the origin: host, and port unless it is the scheme's default. */
  static String authority(URI origin) {
    boolean https = "https".equalsIgnoreCase(origin.getScheme());
    int port = origin.getPort();
    String host = origin.getHost();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return port < 0 || port == (https ? 443 : 80) ? host : host + ":" + port;
  }

  /**
   * The upstream request head: see the class comment.
   *
   * @param secure whether the client came over TLS
   */
  static HttpRequest upstreamRequest(
      HttpRequest request, URI origin, String target, String clientAddress, boolean secure) {
    HttpHeaders in = request.headers();
    HttpHeaders h = new DefaultHttpHeaders();
    h.set(in);
    String clientHost = in.get(HttpHeaderNames.HOST);
    boolean chunked = HttpUtil.isTransferEncodingChunked(request);
    String contentLength = in.get(HttpHeaderNames.CONTENT_LENGTH);
    stripHopByHop(h);
    withoutConsoleCookies(h, HttpHeaderNames.COOKIE);
    h.remove(HttpHeaderNames.AUTHORIZATION);
    h.remove(HttpHeaderNames.EXPECT);
    h.remove(HttpHeaderNames.HOST);
    h.remove(HttpHeaderNames.CONTENT_LENGTH);
    h.remove("Forwarded");
    h.remove("X-Forwarded-For");
    h.remove("X-Forwarded-Proto");
    h.remove("X-Forwarded-Host");
    h.remove("X-Forwarded-Port");
    h.set(HttpHeaderNames.HOST, authority(origin));
    if (chunked) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    } else if (contentLength != null) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    }
    if (clientAddress != null && !clientAddress.isEmpty()) {
      h.set("X-Forwarded-For", clientAddress);
    }
    h.set("X-Forwarded-Proto", secure ? "https" : "http");
    if (clientHost != null) {
      h.set("X-Forwarded-Host", clientHost);
    }
    h.set(HttpHeaderNames.CONNECTION, "close");
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), target, h);
  }

  /** The names of the web console's cookies begin so: they are the host's, never an origin's. */
  public static final String CONSOLE_COOKIE_PREFIX = "authhost_console";

  /**
   * Drops the web console's cookies: from the {@code Cookie} headers a client sends (a page whose
   * prefix lies under {@code /console/}, or another application's {@code /console/} on the same
   * host name, would receive the session), and the {@code Set-Cookie} headers an origin answers
   * with (an origin must not plant a session id or the signed-out marker).
   *
   * @param header {@code Cookie} (pairs separated by {@code ;}) or {@code Set-Cookie} (one cookie
   *     per header)
   */
  static void withoutConsoleCookies(HttpHeaders h, CharSequence header) {
    List<String> values = h.getAll(header);
    if (values.isEmpty()) {
      return;
    }
    boolean request = HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(header);
    List<String> kept = new ArrayList<>(values.size());
    boolean changed = false;
    for (String value : values) {
      if (!request) {
        if (isConsoleCookie(value)) {
          changed = true;
        } else {
          kept.add(value);
        }
        continue;
      }
      List<String> pairs = new ArrayList<>();
      for (String pair : value.split(";")) {
        if (isConsoleCookie(pair)) {
          changed = true;
        } else if (!pair.isBlank()) {
          pairs.add(pair.strip());
        }
      }
      if (!pairs.isEmpty()) {
        kept.add(String.join("; ", pairs));
      }
    }
    if (changed) {
      h.remove(header);
      kept.forEach(v -> h.add(header, v));
    }
  }

  private static boolean isConsoleCookie(String pair) {
    int eq = pair.indexOf('=');
    String name = (eq < 0 ? pair : pair.substring(0, eq)).strip();
    return name.regionMatches(true, 0, CONSOLE_COOKIE_PREFIX, 0, CONSOLE_COOKIE_PREFIX.length());
  }

  /**
   * Removes the hop-by-hop headers of RFC 9110 section 7.6.1, including those named by {@code
   * Connection}. {@code Content-Length} and {@code Transfer-Encoding} go too; the caller puts back
   * the framing it decided on.
   */
  static void stripHopByHop(HttpHeaders h) {
    for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
          h.remove(name);
        }
      }
    }
    h.remove(HttpHeaderNames.CONNECTION);
    h.remove("Keep-Alive");
    h.remove(HttpHeaderNames.TE);
    h.remove(HttpHeaderNames.TRAILER);
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    h.remove(HttpHeaderNames.UPGRADE);
    h.remove("HTTP2-Settings");
    List<String> proxyHeaders = new ArrayList<>();
    for (String name : h.names()) {
      if (name.toLowerCase(Locale.ROOT).startsWith("proxy-")) {
        proxyHeaders.add(name);
      }
    }
    proxyHeaders.forEach(h::remove);
  }

  /** A configured upstream bootstrap for {@code client}'s exchange. */
  Bootstrap bootstrap(Channel client, ChannelInitializer<Channel> initializer) {
    Bootstrap b = new Bootstrap();
    if (client instanceof SocketChannel && hasNoArgConstructor(client.getClass())) {
      // Same event loop, same transport (NIO, epoll, kqueue...): no cross-thread hand-over.
      b.group(client.eventLoop()).channel(client.getClass().asSubclass(Channel.class));
    } else if (group != null) {
      b.group(group).channel(NioSocketChannel.class);
    } else {
      throw new IllegalStateException(
          "no event loop group for a " + client.getClass().getName() + " client");
    }
    // The connect limit is the host-clock check (it covers CONNECTING like every other state), so
    // that it follows the host's clock and a test moves it. Netty's own connect time-out runs on
    // its real timer: it is kept only as a backstop, well above the limit (twice it, plus ten
    // seconds), so that it never fires first and decides an outcome the host's clock did not.
    long connectMillis =
        Math.max(1, Math.min(Integer.MAX_VALUE, 2 * (timeoutNanos / 1_000_000L) + 10_000L));
    return b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.AUTO_READ, true)
        .handler(initializer);
  }

  private static boolean hasNoArgConstructor(Class<?> type) {
    try {
      return Modifier.isPublic(type.getConstructor().getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** The TLS context for {@code https} origins. */
  synchronized SslContext sslContext() throws SSLException {
    if (configuredSslContext != null) {
      return configuredSslContext;
    }
    if (defaultSslContext == null) {
      // No trust manager given: the JDK's default, i.e. its trust store (cacerts).
      defaultSslContext =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .endpointIdentificationAlgorithm("HTTPS")
              .build();
    }
    return defaultSslContext;
  }

  /** The status and text of a failure the proxy answers itself (the line, without its newline). */
  static String failureText(HttpResponseStatus status) {
    return status.code() == 504
        ? "504 Gateway Timeout: the origin did not answer in time"
        : status.code() == 400
            ? "400 Bad Request"
            : "502 Bad Gateway: the origin could not be reached or failed";
  }

  /**
   * One request being proxied by {@link OriginProxy}. All methods are meant to be called on the
   * client channel's event loop (calls from elsewhere are handed over to it).
   */
  public interface ProxyExchange {

    /**
     * Forwards one chunk of the client's request body, in order, ending with the {@link
     * LastHttpContent} (forward the decoder's empty one for a request without a body too). Takes
     * ownership of the chunk: it is written upstream or released, the caller must not release it.
     * Chunks arriving after the exchange has ended are released and dropped, so the caller can keep
     * forwarding until the end of the request without tracking the exchange's state.
     */
    void content(HttpContent chunk);

    /**
     * The client is gone (or the caller gives up): closes the upstream connection and drops
     * everything pending. Idempotent; a no-op once the exchange has ended. The exchange also
     * cancels itself when the client channel closes.
     */
    void cancel();

    /**
     * Completes when the exchange ends: successfully once the last byte of the response has been
     * written to the client channel; with a failure when a 502 or 504 was sent (once written), the
     * response had to be cut short, the client went away or the exchange was cancelled. Listeners
     * run on the client channel's event loop.
     */
    Future<Void> completion();

    /**
     * Runs {@code listener} when the exchange ends, however it ends (see {@link #completion()}).
     */
    default void whenDone(FutureListener<Void> listener) {
      completion().addListener(listener);
    }
  }
}
