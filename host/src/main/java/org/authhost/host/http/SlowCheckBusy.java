package org.authhost.host.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.authhost.api.HResult;

/**
 * The answer when a password could not be checked because the slow hash is at its limits ({@code
 * security.slowChecks}): 503 with {@code Retry-After}, audited as a refusal, not as a failed logon,
 * and never counted towards a lockout.
 */
final class SlowCheckBusy {
  /** Seconds a client is asked to wait: the queue drains in about that time. */
  static final int RETRY_AFTER_SECONDS = 1;

  private SlowCheckBusy() {}

  static FullHttpResponse answer(Audit audit, Request request, boolean keepAlive) {
    audit.refused(
        request,
        503,
        HResult.NS_E_NO_NEW_CONNECTIONS,
        "too many slow password checks in progress (security.slowChecks); not a logon failure");
    FullHttpResponse response =
        Responses.text(
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            "too many logons in progress; try again shortly",
            keepAlive);
    response.headers().set("Retry-After", RETRY_AFTER_SECONDS);
    return response;
  }
}
