package org.authhost.host.http;

import org.authhost.host.access.PublishingPoint;

/**
 * What the audit and the driver need to say about one request.
 *
 * @param clientAddress the client's IP address as text
 * @param method the request method
 * @param target the request target, cut to a sane length for logs
 * @param point the publishing point, or null
 */
record Request(String clientAddress, String method, String target, PublishingPoint point) {
  static final int MAX_TARGET_IN_LOG = 512;

  Request {
    if (target.length() > MAX_TARGET_IN_LOG) {
      target = target.substring(0, MAX_TARGET_IN_LOG) + "...";
    }
    // Requests are logged as text: no control characters from the wire get into the log.
    target = target.replaceAll("\\p{Cntrl}", "?");
  }
}
