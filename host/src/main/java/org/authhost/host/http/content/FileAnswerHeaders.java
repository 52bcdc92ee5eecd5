package org.authhost.host.http.content;

import io.netty.handler.codec.DefaultHeaders.NameValidator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;

/**
 * Headers for a file answer. Netty checks every header name as it is added, a loop over its
 * characters for each of the seven or eight headers of every answer; the names the file responder
 * writes itself are constants known to be tokens, so they skip the check (by identity, nothing else
 * can pass as one), and every other name (a plug-in's, such as {@code Authentication-Info}) is
 * checked as before. Values are always checked.
 */
final class FileAnswerHeaders {
  static final AsciiString NOSNIFF_NAME = AsciiString.cached("X-Content-Type-Options");
  static final AsciiString NOSNIFF = AsciiString.cached("nosniff");

  private static final AsciiString[] OWN = {
    HttpHeaderNames.CONTENT_TYPE,
    NOSNIFF_NAME,
    HttpHeaderNames.ACCEPT_RANGES,
    HttpHeaderNames.ETAG,
    HttpHeaderNames.LAST_MODIFIED,
    HttpHeaderNames.CONTENT_LENGTH,
    HttpHeaderNames.CONTENT_RANGE,
    HttpHeaderNames.DATE,
    HttpHeaderNames.CONNECTION,
    HttpHeaderNames.ALLOW
  };

  private static final NameValidator<CharSequence> CHECKED =
      DefaultHttpHeadersFactory.headersFactory().getNameValidator();

  static final DefaultHttpHeadersFactory FACTORY =
      DefaultHttpHeadersFactory.headersFactory().withNameValidator(FileAnswerHeaders::validate);

  private FileAnswerHeaders() {}

  private static void validate(CharSequence name) {
    for (AsciiString own : OWN) {
      if (own == name) {
        return;
      }
    }
    CHECKED.validateName(name);
  }
}
