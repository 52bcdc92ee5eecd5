package org.authhost.host.http;

import io.netty.handler.codec.http.FullHttpResponse;
import java.util.List;
import java.util.Map;
import org.authhost.host.access.PublishingPoint;

/** What the authentication driver decided for one request: answer it, or serve it. */
sealed interface Verdict {
  /** Answer with this response (401, 403, 429, 503, ...). */
  record Answer(FullHttpResponse response) implements Verdict {}

  /**
   * Authenticated and authorized: serve the content of the publishing point.
   *
   * @param headers what the authentication adds to the response (e.g. {@code Authentication-Info})
   */
  record Serve(PublishingPoint point, String account, List<Map.Entry<String, String>> headers)
      implements Verdict {}
}
