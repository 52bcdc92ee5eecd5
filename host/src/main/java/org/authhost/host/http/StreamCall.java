package org.authhost.host.http;

import org.authhost.api.PasswordCredential;
import org.authhost.host.access.Right;

/**
 * One call of a streaming server, read ({@link StreamCalls}): what its client asks to do, where,
 * from which address and with which credentials.
 *
 * @param action the caller's own name for it, for the audit ({@code publish}, {@code on_play},
 *     {@code read}, or nginx's original method)
 * @param checked whether it is checked; a notification ({@code publish_done}, {@code on_close}) or
 *     an unchecked connect is answered "allowed" at once
 * @param right what the client asks for at the point
 * @param stream the decoded path the publishing point is matched against, e.g. {@code /live/cam1}
 * @param method the client's method as the plug-ins see it
 * @param target the client's request target as the plug-ins see it (auth_request: the original)
 * @param clientAddress the client's address as the payload gives it (auth_request: the last {@code
 *     X-Forwarded-For} entry, nginx's own), or null for an unchecked notification
 * @param account the user name the client gave, for the audit, or null
 * @param password a user name and password from the client's URL or the payload, or null
 * @param authorization the {@code Authorization} value to route by scheme, or null
 */
record StreamCall(
    String action,
    boolean checked,
    Right right,
    String stream,
    String method,
    String target,
    String clientAddress,
    String account,
    PasswordCredential password,
    String authorization) {

  /** A call answered "allowed" without a check. */
  static StreamCall notification(String action) {
    return new StreamCall(action, false, Right.READ, null, null, null, null, null, null, null);
  }
}
