package org.authhost.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The request being authenticated.
 *
 * <p>WMS counterpart: {@code IWMSCommandContext}, reduced to the request's method, target and
 * headers. Read-only.
 */
public interface CommandContext {

  /** The request method, e.g. {@code GET} or {@code DESCRIBE}. */
  String method();

  /**
   * The request target exactly as on the request line: origin form for HTTP ({@code
   * /vod/a.mp4?x=1}); for RTSP the absolute form ({@code rtsp://host:554/live/cam1/trackID=1}) or
   * {@code *} (RFC 2326 §6.1, RFC 7826 §4.2). Digest compares its {@code uri} parameter with it.
   */
  String requestTarget();

  /** Every header, names in lower case, values in arrival order. */
  Map<String, List<String>> headers();

  /** The first value of a header (name case-insensitive). */
  default Optional<String> header(String name) {
    List<String> values = headers().get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * A user name and password the client gave outside the authentication header: in the URL or the
   * payload of a streaming server's authentication call (nginx-rtmp {@code on_publish}, MediaMTX
   * {@code authHTTPAddress}, SRS {@code on_publish}), taken from the request by the host's front.
   * The host hands it only to a plug-in that declares {@link AuthenticationFlags#SENDS_PASSWORD},
   * and only with an empty response blob; such a plug-in checks it as it checks a password from its
   * own header (Basic: {@link TokenService#logonUser(String, String, String, Out)}).
   *
   * @return the credential, or empty (always empty for a plug-in without {@code SENDS_PASSWORD})
   * @since API 1.3
   */
  default Optional<PasswordCredential> passwordCredential() {
    return Optional.empty();
  }
}
