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
    if (!(cause instanceof TooLongFrameException)) {
      return null;
    }
    // Netty 4.1.61 and later say which by the class; earlier, and decoders of their own, by words.
    return cause instanceof TooLongHttpHeaderException
            || (cause.getMessage() != null && cause.getMessage().contains("header"))
        ? Refusal.Kind.HEADERS_TOO_LARGE
        : Refusal.Kind.URI_TOO_LONG;
  }
}
