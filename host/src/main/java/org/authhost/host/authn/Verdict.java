package org.authhost.host.authn;

import java.util.List;
import java.util.Map;
import org.authhost.api.AccessToken;
import org.authhost.host.access.PublishingPoint;

/**
 * What the authentication driver decided for one request: serve it, or refuse it. Protocol-neutral
 * values, rendered by each front in its own protocol.
 */
public sealed interface Verdict permits Verdict.Serve, Refusal {
  /**
   * Authenticated and authorized: serve the content of the publishing point.
   *
   * @param headers what the authentication adds to the response (e.g. {@code Authentication-Info})
   * @param token the token the point's ACL was checked with, or null where none was (the web
   *     console asks it what else the operator may do)
   */
  public record Serve(
      PublishingPoint point,
      String account,
      List<Map.Entry<String, String>> headers,
      AccessToken token)
      implements Verdict {
    public Serve(PublishingPoint point, String account, List<Map.Entry<String, String>> headers) {
      this(point, account, headers, null);
    }
  }
}
