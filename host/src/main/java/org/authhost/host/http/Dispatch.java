package org.authhost.host.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.util.AsciiString;
import java.net.URI;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.authn.Refusal;
import org.authhost.host.authn.Verdict;
import org.authhost.host.http.content.FileCache;
import org.authhost.host.http.content.FileResponder;
import org.authhost.host.http.content.SafePath;

/**
 * Serves an authorized request: from the publishing point's folder (the path checked by {@link
 * SafePath} through the {@link FileCache}, the file answered by {@link FileResponder}) or from its
 * origin through the proxy. What is served is re-encoded from the canonical path, so it is what was
 * authorized.
 */
@ChannelHandler.Sharable
final class Dispatch extends SimpleChannelInboundHandler<Exchange> {
  private static final AsciiString AUTHENTICATION_INFO = AsciiString.cached("Authentication-Info");

  private final HttpServices services;
  private final HttpAnswers answers;

  Dispatch(HttpServices services, HttpAnswers answers) {
    super(false); // an Exchange holds no buffer to release
    this.services = services;
    this.answers = answers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Exchange exchange) {
    Verdict.Serve serve = exchange.serve();
    PublishingPoint point = serve.point();
    String rest = RequestTarget.encode(exchange.path().substring(point.prefix().length()));
    if (point.origin() != null) {
      proxy(exchange, serve, point.origin(), rest);
    } else if (point.directory() == null) {
      // A point that only scopes a streaming server's authentication has no content here.
      answers.refuse(exchange, Refusal.notFound("not found"));
    } else {
      file(exchange, serve, point, rest);
    }
  }

  private void proxy(Exchange exchange, Verdict.Serve serve, URI origin, String rest) {
    ChannelHandlerContext at = exchange.ctx();
    // Never the credentials a plug-in took from the URL: the origin has no use for them.
    String query =
        RequestTarget.query(services.urlCredentials().withoutCredentials(exchange.request().uri()));
    String base =
        origin.getRawPath() == null || origin.getRawPath().isEmpty() ? "/" : origin.getRawPath();
    String upstream =
        (base.endsWith("/") ? base : base + "/") + rest + (query == null ? "" : "?" + query);
    boolean sayPrivate = PersonalAnswers.mustSayPrivate(serve, exchange.request());
    if (!serve.headers().isEmpty() || sayPrivate) {
      // The proxy builds its answer from the origin's; the logon's headers join it on the way out.
      at.pipeline()
          .addBefore(
              at.name(), ResponseHeaders.NAME, new ResponseHeaders(serve.headers(), sayPrivate));
    }
    exchange.proxying(
        services
            .proxy()
            .start(
                at,
                exchange.request(),
                origin,
                upstream,
                exchange.clientText(),
                answers.refusals(exchange)));
  }

  private void file(Exchange exchange, Verdict.Serve serve, PublishingPoint point, String rest) {
    FileCache.Lookup resolved = services.files().check(point.directory(), rest);
    if (!resolved.allowed()) {
      answers.refuse(exchange, pathRefused(resolved));
      return;
    }
    HttpRequest request = exchange.request();
    boolean sayPrivate = PersonalAnswers.mustSayPrivate(serve, request);
    HttpHeaders extra = null;
    if (!serve.headers().isEmpty() || sayPrivate) {
      // Every Digest success carries one (Authentication-Info): a name-value array rather than a
      // hash table of headers, and the name as a constant whose validation Netty has cached. The
      // response's own headers validate the value as they take it.
      CharSequence[] pairs = new CharSequence[(serve.headers().size() + (sayPrivate ? 1 : 0)) * 2];
      int i = 0;
      for (var h : serve.headers()) {
        pairs[i++] =
            AUTHENTICATION_INFO.contentEqualsIgnoreCase(h.getKey())
                ? AUTHENTICATION_INFO
                : h.getKey();
        pairs[i++] = h.getValue();
      }
      if (sayPrivate) {
        pairs[i++] = HttpHeaderNames.CACHE_CONTROL;
        pairs[i] = PersonalAnswers.PRIVATE;
      }
      extra = new ReadOnlyHttpHeaders(false, pairs);
    }
    exchange.responded(
        FileResponder.respond(
            exchange.ctx(),
            request,
            resolved.file(),
            exchange.keepAlive(),
            extra,
            services.clock()));
  }

  /**
   * A path the point's folder does not serve. A missing file is the client asking for what is not
   * there: 404, not audited. A path that is malformed (400), or that leads out of the folder or
   * through a link out of it (404 all the same, so that nothing outside is revealed), is recorded
   * in the audit (INFORMATION, summarised per address): somebody may be probing.
   */
  private static Refusal pathRefused(FileCache.Lookup resolved) {
    if (resolved.refusal() == SafePath.Refusal.NOT_FOUND) {
      return Refusal.notFound("not found");
    }
    Refusal.Kind kind =
        resolved.refusal().status() == 400 ? Refusal.Kind.BAD_REQUEST : Refusal.Kind.NOT_FOUND;
    return new Refusal(
        kind,
        "not found",
        List.of(),
        0,
        false,
        HResult.E_ACCESSDENIED,
        "path refused: "
            + resolved.refusal()
            + (resolved.detail() == null ? "" : " (" + resolved.detail() + ")"));
  }
}
