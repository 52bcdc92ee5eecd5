package org.authhost.host.http.content;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a GET or HEAD for one regular file, streaming it without ever holding it in memory.
 *
 * <p>What it does:
 *
 * <ul>
 *   <li>GET and HEAD only; any other method gets 405 with {@code Allow: GET, HEAD}. A directory or
 *       a missing file gets 404, a file the host may not read 403.
 *   <li>{@code Content-Type} ({@link MediaTypes}), {@code Content-Length}, {@code Last-Modified}, a
 *       strong {@code ETag} made of the size and the modification time, {@code Accept-Ranges:
 *       bytes} and {@code Date}.
 *   <li>Conditional requests in the order of RFC 9110 section 13.2.2: {@code If-Match} (strong
 *       comparison) or else {@code If-Unmodified-Since} failing gives 412; {@code If-None-Match}
 *       (weak comparison) or else {@code If-Modified-Since} matching gives 304; {@code If-Range} (a
 *       strong ETag, or a date equal to {@code Last-Modified} that is at least a second old) that
 *       does not match turns a range request into a plain 200.
 *   <li>One byte range of GET ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}) gives 206
 *       with {@code Content-Range}; a range that starts past the end (or {@code -0}) gives 416 with
 *       {@code Content-Range: bytes *}{@code /length}. <b>A request for several ranges is answered
 *       with the whole file (200)</b>, which RFC 9110 allows; no {@code multipart/byteranges}. A
 *       malformed {@code Range} header, or a unit other than bytes, is ignored (200), as the RFC
 *       requires. HEAD ignores {@code Range}.
 *   <li>The body goes out as a zero-copy {@link DefaultFileRegion} when the pipeline has no {@link
 *       SslHandler}; with TLS it goes through an {@link HttpChunkedInput} over a {@link
 *       ChunkedNioFile}, which <b>requires a {@link ChunkedWriteHandler} in the pipeline between
 *       the {@code HttpServerCodec} and the handler whose context is passed in</b>. No content
 *       compressor may sit in the pipeline (it cannot handle file regions).
 *   <li>With {@code keepAlive} false the response says {@code Connection: close} and the channel is
 *       closed once it is written; with true, an HTTP/1.0 client is told {@code Connection:
 *       keep-alive}. A write that fails part-way closes the channel (the response is truncated).
 * </ul>
 *
 * <p>Call it on the channel's event loop, after the request has passed authorization; the caller
 * still consumes (and discards) any request body. Opening the file and reading its attributes are
 * blocking calls, as in Netty's own static file server; they are short on a local disk.
 */
public final class FileResponder {
  private static final Logger log = LoggerFactory.getLogger(FileResponder.class);

  /** The chunk size when the file goes through TLS. */
  static final int CHUNK_SIZE = 16 * 1024;

  private FileResponder() {}

  /**
   * Writes the response for {@code file} to {@code ctx} and flushes it.
   *
   * @param ctx the context of the handler answering the request
   * @param request the request (only its method, version and headers are read)
   * @param file the file, normally from {@link SafePath#resolve}
   * @param keepAlive whether the connection stays open after this response
   * @param clock the host's clock: a file modified within its last second has only a weak date
   * @return the future of the last write of the response
   */
  public static ChannelFuture respond(
      ChannelHandlerContext ctx, HttpRequest request, Path file, boolean keepAlive, Clock clock) {
    return respond(ctx, request, file, keepAlive, null, clock);
  }

  /**
   * {@link #respond(ChannelHandlerContext, HttpRequest, Path, boolean, Clock)} with headers of the
   * caller's added to whatever answer it gives (e.g. {@code Authentication-Info} from the logon).
   *
   * @param extra headers to add, or null
   */
  public static ChannelFuture respond(
      ChannelHandlerContext ctx,
      HttpRequest request,
      Path file,
      boolean keepAlive,
      HttpHeaders extra,
      Clock clock) {
    HttpMethod method = request.method();
    boolean head = HttpMethod.HEAD.equals(method);
    if (!head && !HttpMethod.GET.equals(method)) {
      HttpResponse response = error(HttpResponseStatus.METHOD_NOT_ALLOWED);
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      return send(clock, ctx, request, response, null, keepAlive, extra);
    }

    return respondFromFile(ctx, request, file, false, keepAlive, extra, clock);
  }

  /**
   * Writes the response for a file found by {@link FileCache#check}: a small file from its bytes in
   * memory, without touching the file system; a larger one from the file, opened by its real path
   * without following a link (one swapped in since it was checked is refused with 404).
   *
   * @param file what the cache found
   * @param extra headers to add, or null
   */
  public static ChannelFuture respond(
      ChannelHandlerContext ctx,
      HttpRequest request,
      FileCache.File file,
      boolean keepAlive,
      HttpHeaders extra,
      Clock clock) {
    HttpMethod method = request.method();
    if (!HttpMethod.HEAD.equals(method) && !HttpMethod.GET.equals(method)) {
      HttpResponse response = error(HttpResponseStatus.METHOD_NOT_ALLOWED);
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      return send(clock, ctx, request, response, null, keepAlive, extra);
    }
    if (!file.regular()) {
      return refuse(clock, ctx, request, HttpResponseStatus.NOT_FOUND, keepAlive, extra);
    }
    if (!file.inMemory()) {
      return respondFromFile(ctx, request, file.path(), true, keepAlive, extra, clock);
    }
    return respond(
        ctx,
        request,
        file.size(),
        file.modifiedMillis(),
        file.etag(),
        file.lastModified(),
        file.contentType(),
        file,
        keepAlive,
        extra,
        clock);
  }

  private static ChannelFuture respondFromFile(
      ChannelHandlerContext ctx,
      HttpRequest request,
      Path file,
      boolean noFollow,
      boolean keepAlive,
      HttpHeaders extra,
      Clock clock) {
    BasicFileAttributes attributes;
    FileChannel channel;
    try {
      if (noFollow) {
        // Opened first, without following a link: a link swapped in since the check fails here
        // (ELOOP), and the length sent is the open file's own (fstat), not the cached one.
        channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
          attributes =
              Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
          closeQuietly(channel);
          throw e;
        }
        if (!attributes.isRegularFile()) {
          closeQuietly(channel);
          return refuse(clock, ctx, request, HttpResponseStatus.NOT_FOUND, keepAlive, extra);
        }
      } else {
        attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
          return refuse(clock, ctx, request, HttpResponseStatus.NOT_FOUND, keepAlive, extra);
        }
        channel = FileChannel.open(file, StandardOpenOption.READ);
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return refuse(clock, ctx, request, HttpResponseStatus.NOT_FOUND, keepAlive, extra);
    } catch (AccessDeniedException e) {
      return refuse(clock, ctx, request, HttpResponseStatus.FORBIDDEN, keepAlive, extra);
    } catch (IOException | SecurityException e) {
      if (noFollow) {
        // ELOOP and the like: the checked real path is no longer that file (a link swapped in, a
        // folder in its place); refused like any path that leads out of the point.
        log.debug("Cannot open {} as checked: {}", file, e.toString());
        return refuse(clock, ctx, request, HttpResponseStatus.NOT_FOUND, keepAlive, extra);
      }
      log.warn("Cannot open {}: {}", file, e.toString());
      return refuse(
          clock, ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, keepAlive, extra);
    }

    boolean handedOver = false;
    try {
      long length = channel.size();
      long modifiedMillis = attributes.lastModifiedTime().toMillis();
      ChannelFuture written =
          respond(
              ctx,
              request,
              length,
              modifiedMillis,
              etag(length, attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS)),
              lastModified(modifiedMillis),
              MediaTypes.of(file),
              channel,
              keepAlive,
              extra,
              clock);
      handedOver = true;
      return written;
    } catch (IOException e) {
      log.warn("Cannot read {}: {}", file, e.toString());
      return refuse(
          clock, ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, keepAlive, extra);
    } finally {
      if (!handedOver) {
        closeQuietly(channel);
      }
    }
  }

  /**
   * The answer for a representation of {@code length} bytes from {@code source}, an open {@link
   * FileChannel} (which this closes, or hands to the write that closes it) or a {@link
   * FileCache.File} in memory.
   */
  private static ChannelFuture respond(
      ChannelHandlerContext ctx,
      HttpRequest request,
      long length,
      long modifiedMillis,
      String etag,
      String lastModified,
      String contentType,
      Object source,
      boolean keepAlive,
      HttpHeaders extra,
      Clock clock) {
    boolean head = HttpMethod.HEAD.equals(request.method());
    long modifiedSeconds = Math.floorDiv(modifiedMillis, 1000L);
    HttpHeaders h = request.headers();
    FileChannel channel = source instanceof FileChannel c ? c : null;
    boolean handedOver = false;
    try {
      // RFC 9110 13.2.2, steps 1 and 2.
      String ifMatch = h.get(HttpHeaderNames.IF_MATCH);
      if (ifMatch != null) {
        if (!matches(ifMatch, etag, true)) {
          return send(
              clock,
              ctx,
              request,
              validators(error(HttpResponseStatus.PRECONDITION_FAILED), etag, lastModified),
              null,
              keepAlive,
              extra);
        }
      } else {
        Long since = httpDate(h.get(HttpHeaderNames.IF_UNMODIFIED_SINCE));
        if (since != null && modifiedSeconds * 1000L > since) {
          return send(
              clock,
              ctx,
              request,
              validators(error(HttpResponseStatus.PRECONDITION_FAILED), etag, lastModified),
              null,
              keepAlive,
              extra);
        }
      }
      // Steps 3 and 4 (GET and HEAD only, which is all that gets here).
      String ifNoneMatch = h.get(HttpHeaderNames.IF_NONE_MATCH);
      boolean notModified;
      if (ifNoneMatch != null) {
        notModified = matches(ifNoneMatch, etag, false);
      } else {
        Long since = httpDate(h.get(HttpHeaderNames.IF_MODIFIED_SINCE));
        notModified = since != null && modifiedSeconds * 1000L <= since;
      }
      if (notModified) {
        HttpResponse response =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.NOT_MODIFIED,
                Unpooled.EMPTY_BUFFER,
                FileAnswerHeaders.FACTORY,
                DefaultHttpHeadersFactory.trailersFactory());
        return send(
            clock, ctx, request, validators(response, etag, lastModified), null, keepAlive, extra);
      }

      // Step 5: ranges, GET only.
      ByteRange range = null;
      String rangeHeader = head ? null : h.get(HttpHeaderNames.RANGE);
      if (rangeHeader != null
          && ifRangeHolds(h.get(HttpHeaderNames.IF_RANGE), etag, modifiedMillis, clock.millis())) {
        range = ByteRange.parse(rangeHeader, length);
        if (range == ByteRange.UNSATISFIABLE) {
          HttpResponse response = error(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
          response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
          return send(
              clock,
              ctx,
              request,
              validators(response, etag, lastModified),
              null,
              keepAlive,
              extra);
        }
        if (range == ByteRange.IGNORE) {
          range = null;
        }
      }

      HttpResponse response =
          new DefaultHttpResponse(
              HttpVersion.HTTP_1_1,
              range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT,
              FileAnswerHeaders.FACTORY);
      HttpHeaders out = response.headers();
      out.set(HttpHeaderNames.CONTENT_TYPE, contentType);
      out.set(FileAnswerHeaders.NOSNIFF_NAME, FileAnswerHeaders.NOSNIFF);
      out.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
      validators(response, etag, lastModified);
      long start = 0;
      long count = length;
      if (range != null) {
        start = range.first();
        count = range.last() - range.first() + 1;
        out.set(
            HttpHeaderNames.CONTENT_RANGE,
            "bytes " + range.first() + "-" + range.last() + "/" + length);
      }
      out.set(HttpHeaderNames.CONTENT_LENGTH, count);
      if (head || count == 0) {
        return send(clock, ctx, request, response, null, keepAlive, extra);
      }
      handedOver = true;
      Object body =
          channel != null
              ? new FileBody(channel, start, count)
              : ((FileCache.File) source).slice(start, count);
      return send(clock, ctx, request, response, body, keepAlive, extra);
    } finally {
      if (channel != null && !handedOver) {
        closeQuietly(channel);
      }
    }
  }

  /** The part of an open file to send. */
  private record FileBody(FileChannel channel, long start, long count) {}

  private static ChannelFuture send(
      Clock clock,
      ChannelHandlerContext ctx,
      HttpRequest request,
      HttpResponse response,
      Object body,
      boolean keepAlive,
      HttpHeaders extra) {
    HttpHeaders out = response.headers();
    if (extra != null) {
      // As CharSequences: a name given as an AsciiString stays one (its validation is cached).
      for (var i = extra.iteratorCharSequence(); i.hasNext(); ) {
        var h = i.next();
        // A short answer's own no-store is stricter than a logon's private: it stays, alone.
        if (HttpHeaderNames.CACHE_CONTROL.contentEqualsIgnoreCase(h.getKey())
            && out.contains(HttpHeaderNames.CACHE_CONTROL)) {
          continue;
        }
        out.add(h.getKey(), h.getValue());
      }
    }
    out.set(HttpHeaderNames.DATE, DateHeader.at(clock.millis()));
    HttpUtil.setKeepAlive(out, request.protocolVersion(), keepAlive);
    boolean head = HttpMethod.HEAD.equals(request.method());

    ChannelFuture last;
    if (body == null) {
      if (response instanceof FullHttpResponse full) {
        if (head) {
          // The length stays in the headers; the body must not go out.
          HttpResponse bare =
              new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers());
          full.release();
          ctx.write(bare);
          last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
          last = ctx.writeAndFlush(full);
        }
      } else {
        ctx.write(response);
        last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      }
    } else if (body instanceof ByteBuf bytes) {
      // From memory: headers and bytes as one message, one write through the pipeline.
      last =
          ctx.writeAndFlush(
              new DefaultFullHttpResponse(
                  response.protocolVersion(),
                  response.status(),
                  bytes,
                  response.headers(),
                  EmptyHttpHeaders.INSTANCE));
    } else if (ctx.pipeline().get(SslHandler.class) != null) {
      FileBody file = (FileBody) body;
      ChunkedNioFile chunks;
      try {
        chunks = new ChunkedNioFile(file.channel(), file.start(), file.count(), CHUNK_SIZE);
      } catch (IOException e) {
        // Only thrown for a channel that is already closed.
        closeQuietly(file.channel());
        return refuse(
            clock, ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, keepAlive, extra);
      }
      ctx.write(response);
      // HttpChunkedInput ends the body with the LastHttpContent; ChunkedNioFile closes the file.
      last = ctx.writeAndFlush(new HttpChunkedInput(chunks));
    } else {
      FileBody file = (FileBody) body;
      ctx.write(response);
      ctx.write(new DefaultFileRegion(file.channel(), file.start(), file.count()));
      last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    last.addListener(
        keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    return last;
  }

  /**
   * A small text/plain response for a status without a file body; {@link #send} settles its {@code
   * Connection}.
   */
  /** A short answer with this status in place of the file. */
  private static ChannelFuture refuse(
      Clock clock,
      ChannelHandlerContext ctx,
      HttpRequest request,
      HttpResponseStatus status,
      boolean keepAlive,
      HttpHeaders extra) {
    return send(clock, ctx, request, error(status), null, keepAlive, extra);
  }

  private static FullHttpResponse error(HttpResponseStatus status) {
    return ShortAnswer.of(status, status.code() + " " + status.reasonPhrase(), true);
  }

  private static HttpResponse validators(HttpResponse response, String etag, String lastModified) {
    response.headers().set(HttpHeaderNames.ETAG, etag);
    response.headers().set(HttpHeaderNames.LAST_MODIFIED, lastModified);
    return response;
  }

  /** The {@code Last-Modified} value: the modification time, in whole seconds. */
  static String lastModified(long modifiedMillis) {
    return DateFormatter.format(new Date(Math.floorDiv(modifiedMillis, 1000L) * 1000L));
  }

  /** A strong entity tag from the size and the modification time (microseconds). */
  static String etag(long size, long modifiedMicros) {
    return "\"" + Long.toHexString(size) + "-" + Long.toHexString(modifiedMicros) + "\"";
  }

  /**
   * Whether an {@code If-Match} / {@code If-None-Match} value matches {@code etag}: {@code *}
   * matches any current representation; otherwise one of the listed tags must match, strongly (both
   * strong and equal) or weakly (equal opaque parts). An unparsable list matches nothing.
   */
  static boolean matches(String headerValue, String etag, boolean strong) {
    String trimmed = headerValue.trim();
    if (trimmed.equals("*")) {
      return true;
    }
    List<String> tags = entityTags(trimmed);
    for (String tag : tags) {
      boolean weak = tag.startsWith("W/");
      if (strong && weak) {
        continue;
      }
      String opaque = weak ? tag.substring(2) : tag;
      if (opaque.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** The entity tags of a comma-separated list, e.g. {@code "a", W/"b"}; empty if malformed. */
  static List<String> entityTags(String list) {
    List<String> tags = new ArrayList<>();
    int i = 0;
    int n = list.length();
    while (i < n) {
      char c = list.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      int start = i;
      if (list.startsWith("W/", i)) {
        i += 2;
      }
      if (i >= n || list.charAt(i) != '"') {
        return List.of();
      }
      int close = list.indexOf('"', i + 1);
      if (close < 0) {
        return List.of();
      }
      tags.add(list.substring(start, close + 1));
      i = close + 1;
    }
    return tags;
  }

  /** An HTTP-date in epoch milliseconds, or null when absent or not a valid date. */
  private static Long httpDate(String value) {
    if (value == null) {
      return null;
    }
    Date date = DateFormatter.parseHttpDate(value.trim());
    return date == null ? null : date.getTime();
  }

  /**
   * Whether the {@code Range} header may be honoured given {@code If-Range} (RFC 9110 13.1.5): true
   * without If-Range; an entity tag must match strongly; a date must equal {@code Last-Modified}
   * exactly and that must be a strong validator (at least one second before {@code nowMillis}).
   */
  static boolean ifRangeHolds(String ifRange, String etag, long modifiedMillis, long nowMillis) {
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      return value.equals(etag);
    }
    Long date = httpDate(value);
    if (date == null) {
      return false;
    }
    long modifiedSeconds = Math.floorDiv(modifiedMillis, 1000L);
    boolean strongDate = nowMillis - modifiedMillis >= 1000L;
    return strongDate && date == modifiedSeconds * 1000L;
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("Closing a file: {}", e.toString());
    }
  }

  /**
   * One satisfiable byte range, inclusive, or one of the markers {@link #IGNORE} (serve the whole
   * file) and {@link #UNSATISFIABLE} (416).
   */
  record ByteRange(long first, long last) {
    static final ByteRange IGNORE = new ByteRange(-1, -1);
    static final ByteRange UNSATISFIABLE = new ByteRange(-2, -2);

    /**
     * Parses a {@code Range} header against a representation of {@code length} bytes (RFC 9110
     * 14.1.2). Malformed, another unit, or several ranges: {@link #IGNORE}.
     */
    static ByteRange parse(String header, long length) {
      String value = header.trim();
      int eq = value.indexOf('=');
      if (eq < 0 || !value.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
        return IGNORE;
      }
      String set = value.substring(eq + 1).trim();
      if (set.isEmpty() || set.indexOf(',') >= 0) {
        // Several ranges (or an empty list member): the whole file, see the class comment.
        return IGNORE;
      }
      int dash = set.indexOf('-');
      if (dash < 0) {
        return IGNORE;
      }
      String firstText = set.substring(0, dash).trim();
      String lastText = set.substring(dash + 1).trim();
      if (firstText.isEmpty()) {
        // Suffix: the last n bytes.
        long n = digits(lastText);
        if (n < 0) {
          return IGNORE;
        }
        if (n == 0 || length == 0) {
          return UNSATISFIABLE;
        }
        return new ByteRange(Math.max(0, length - n), length - 1);
      }
      long first = digits(firstText);
      if (first < 0) {
        return IGNORE;
      }
      long last;
      if (lastText.isEmpty()) {
        last = Long.MAX_VALUE;
      } else {
        last = digits(lastText);
        if (last < 0 || last < first) {
          return IGNORE;
        }
      }
      if (first >= length) {
        return UNSATISFIABLE;
      }
      return new ByteRange(first, Math.min(last, length - 1));
    }

    /** A non-negative decimal, saturating at Long.MAX_VALUE; -1 when not all digits. */
    private static long digits(String text) {
      if (text.isEmpty()) {
        return -1;
      }
      long value = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        if (value > (Long.MAX_VALUE - 9) / 10) {
          value = Long.MAX_VALUE;
        } else {
          value = value * 10 + (c - '0');
        }
      }
      return value;
    }
  }
}
