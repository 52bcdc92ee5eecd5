package org.authhost.host.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * Netty's {@code HttpServerCodec}, with a decoder that keeps what its parent throws away and {@link
 * RequestLimits} needs to refuse request smuggling (RFC 9112):
 *
 * <ul>
 *   <li>Netty joins an obs-fold continuation line (a header line that begins with a space or a tab)
 *       to the line before it, so nothing of it is left in the headers; this decoder sees the line
 *       in the raw head and marks the request as failed to decode (RFC 9112 §5.2: 400).
 *   <li>Netty drops {@code Content-Length} from an HTTP/1.1 request that also says {@code
 *       Transfer-Encoding: chunked} and reads the chunks; this decoder puts the field back, so the
 *       request shows both and {@link RequestLimits} refuses it (RFC 9112 §6.1).
 * </ul>
 *
 * <p>The response side is {@code HttpServerCodec}'s: a response to HEAD has no body, nor does a 2xx
 * to CONNECT. {@code HttpServerCodec} is final and its decoder private, hence this copy of its
 * twenty lines.
 */
public final class RequestCodec
    extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
  /** The methods of the requests not yet answered, for the encoder: a HEAD response has no body. */
  private final Queue<HttpMethod> methods = new ArrayDeque<>();

  public RequestCodec(int maxInitialLineBytes, int maxHeaderBytes, int maxChunkBytes) {
    init(
        new Decoder(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineBytes)
                .setMaxHeaderSize(maxHeaderBytes)
                .setMaxChunkSize(maxChunkBytes)),
        new Encoder());
  }

  /** Why a request with an obs-fold line is refused. */
  static final String OBS_FOLD =
      "obs-fold: a header field continued on a line that begins with a space or tab (RFC 9112"
          + " §5.2)";

  private final class Decoder extends HttpRequestDecoder {
    /** Whether the bytes at the reader index begin or continue a request head. */
    private boolean inHead = true;

    /** Whether the head's request line has been seen whole. */
    private boolean requestLineSeen;

    /** Whether a line of this head begins with a space or a tab. */
    private boolean folded;

    /** The {@code Content-Length} values the parent dropped for {@code Transfer-Encoding}. */
    private List<String> droppedLength;

    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      if (inHead && !folded) {
        scanHead(in);
      }
      int before = out.size();
      super.decode(ctx, in, out);
      for (int i = before; i < out.size(); i++) {
        Object message = out.get(i);
        if (message instanceof HttpRequest request) {
          methods.add(request.method());
          if (folded && request.decoderResult().isSuccess()) {
            request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(OBS_FOLD)));
          }
          if (droppedLength != null) {
            request.headers().set(HttpHeaderNames.CONTENT_LENGTH, droppedLength);
          }
          inHead = false;
          requestLineSeen = false;
          folded = false;
          droppedLength = null;
        }
        if (message instanceof LastHttpContent) {
          inHead = true;
        }
      }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      droppedLength = List.copyOf(message.headers().getAll(HttpHeaderNames.CONTENT_LENGTH));
      super.handleTransferEncodingChunkedWithContentLength(message);
    }

    /**
     * Looks through the complete lines of the head from the reader index, which is always at the
     * start of a line while the parent reads a head (it takes whole lines only), for one that
     * continues a header field. Stops at the head's empty line, or at a line not yet complete,
     * which the next call sees again from its start.
     */
    private void scanHead(ByteBuf in) {
      int i = in.readerIndex();
      int end = in.writerIndex();
      if (!requestLineSeen) {
        // As the parent does: control characters and white space before the request line.
        while (i < end && isSkipped(in.getByte(i))) {
          i++;
        }
        int lf = in.indexOf(i, end, (byte) '\n');
        if (lf < 0) {
          return;
        }
        requestLineSeen = true;
        i = lf + 1;
      }
      while (i < end) {
        byte first = in.getByte(i);
        if (first == '\r' || first == '\n') {
          return; // the end of the head
        }
        if (first == ' ' || first == '\t') {
          folded = true;
          return;
        }
        int lf = in.indexOf(i, end, (byte) '\n');
        if (lf < 0) {
          return;
        }
        i = lf + 1;
      }
    }

    private static boolean isSkipped(byte b) {
      char c = (char) (b & 0xff);
      return Character.isISOControl(c) || Character.isWhitespace(c);
    }
  }

  private final class Encoder extends HttpResponseEncoder {
    private HttpMethod method;

    @Override
    protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
      if (!isAlwaysEmpty
          && HttpMethod.CONNECT.equals(method)
          && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
        // A tunnel: no framing of its own.
        msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        return;
      }
      super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      method = methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }
  }
}
