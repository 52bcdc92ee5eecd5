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
   * @param logon the logon it was served on, for {@link AuthenticationDriver#reauthorize} and for
   *     the token the point's ACL was checked with (the web console asks it what else the operator
   *     may do); null where none stands behind it
   * @param personal served to one identity that a plug-in other than an anonymous one proved: what
   *     is served is that identity's, and no shared cache may hand it to another client (the front
   *     says so where the request itself does not, as one without {@code Authorization} does not)
   */
  public record Serve(
      PublishingPoint point,
      String account,
      List<Map.Entry<String, String>> headers,
      Logon logon,
      boolean personal)
      implements Verdict {
    /** A verdict no logon stands behind (a caller's answer, a test's own decision). */
    public Serve(PublishingPoint point, String account, List<Map.Entry<String, String>> headers) {
      this(point, account, headers, null, false);
    }

    /** The token the point's ACL was checked with, or null where no logon stands behind it. */
    public AccessToken token() {
      return logon == null ? null : logon.token();
    }
  }
}
