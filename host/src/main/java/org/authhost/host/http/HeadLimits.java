package org.authhost.host.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import org.authhost.host.authn.Refusal;

/**
 * What a message head past Netty's decoder limits is answered with, for both fronts (HTTP and RTSP
 * read heads with the same decoder): a header block too large is 431, a line too long 414.
 */
public final class HeadLimits {
  private HeadLimits() {}

  /** The kind of refusal for a decoder's {@code cause}, or null when no limit was passed. */
  public static Refusal.Kind tooLong(Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      return Refusal.Kind.HEADERS_TOO_LARGE;
    }
    return cause instanceof TooLongFrameException ? Refusal.Kind.URI_TOO_LONG : null;
  }
}
