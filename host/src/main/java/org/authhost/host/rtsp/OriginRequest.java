package org.authhost.host.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The client's request as the origin gets it, written straight as bytes (no copy of its headers, no
 * encoder): the origin's URL, the client's headers but its credentials, the hop-by-hop ones and its
 * length, each URL credential taken out of any header that holds a query ({@link ForwardedText}), a
 * SETUP's narrowed {@code Transport} in place of the client's, the body's length, and AuthHost's
 * own origin credentials if the origin asked for them. The client's request, which plug-ins read
 * through {@code HttpCommandContext}, stays as it came.
 */
final class OriginRequest {
  /**
   * Headers of the client's request the origin never gets: its credentials (for AuthHost), the
   * hop-by-hop ones and the length (set for the body as forwarded).
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

  private OriginRequest() {}

  /**
   * The request's bytes; {@code body} (the client's, without its URL credentials) is copied in and
   * released, {@code transport} replaces the client's {@code Transport} unless null, {@code
   * authorization} (AuthHost's, for the origin) is added unless null.
   */
  static ByteBuf encode(
      ByteBufAllocator alloc,
      String method,
      String uri,
      HttpHeaders client,
      String transport,
      ByteBuf body,
      String authorization,
      ForwardedText forwarded) {
    ByteBuf out = alloc.buffer(256 + uri.length() + body.readableBytes());
    try {
      ByteBufUtil.writeAscii(out, method);
      out.writeByte(' ');
      ByteBufUtil.writeAscii(out, uri);
      ByteBufUtil.writeAscii(out, " RTSP/1.0");
      HeadLines.end(out);
      for (Iterator<Map.Entry<CharSequence, CharSequence>> it = client.iteratorCharSequence();
          it.hasNext(); ) {
        Map.Entry<CharSequence, CharSequence> h = it.next();
        CharSequence name = h.getKey();
        if (!isForwarded(name)
            || (transport != null && RtspHeaderNames.TRANSPORT.contentEqualsIgnoreCase(name))) {
          continue;
        }
        CharSequence value = h.getValue();
        // Any header may carry the URL (Content-Base, Content-Location, Referer, ...).
        HeadLines.header(out, name, hasQuery(value) ? forwarded.text(value.toString()) : value);
      }
      if (transport != null) {
        HeadLines.header(out, RtspHeaderNames.TRANSPORT, transport);
      }
      if (body.isReadable()) {
        HeadLines.header(
            out, RtspHeaderNames.CONTENT_LENGTH, Integer.toString(body.readableBytes()));
      }
      if (authorization != null) {
        HeadLines.header(out, RtspHeaderNames.AUTHORIZATION, authorization);
      }
      HeadLines.end(out);
      out.writeBytes(body);
      ByteBuf done = out;
      out = null;
      return done;
    } finally {
      body.release();
      if (out != null) {
        out.release();
      }
    }
  }

  private static boolean isForwarded(CharSequence name) {
    for (AsciiString n : NOT_FORWARDED) {
      if (n.contentEqualsIgnoreCase(name)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasQuery(CharSequence value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == '?') {
        return true;
      }
    }
    return false;
  }
}
