package org.authhost.host.authn;

import org.authhost.host.access.PublishingPoint;

/**
 * What the audit and the driver need to say about one request.
 *
 * @param clientAddress the client's IP address as text
 * @param method the request method
 * @param target the request target, cut to a sane length for logs
 * @param point the publishing point, or null
 * @param via the streaming server that asked on the client's behalf ({@code integrations}), as
 *     {@code <contract>@<address>}, or null for a client of its own
 */
public record Request(
    String clientAddress, String method, String target, PublishingPoint point, String via) {
  public static final int MAX_TARGET_IN_LOG = 512;

  public Request(String clientAddress, String method, String target, PublishingPoint point) {
    this(clientAddress, method, target, point, null);
  }

  public Request {
    if (target.length() > MAX_TARGET_IN_LOG) {
      target = target.substring(0, MAX_TARGET_IN_LOG) + "...";
    }
    target = withoutControls(target);
  }

  /**
   * Requests are logged as text: no control character from the wire gets into the log. By hand,
   * because this runs for every request and a regular expression here was measurable.
   */
  public static String withoutControls(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          if (Character.isISOControl(chars[j])) {
            chars[j] = '?';
          }
        }
        return new String(chars);
      }
    }
    return s;
  }
}
