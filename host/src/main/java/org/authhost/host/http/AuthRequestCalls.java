package org.authhost.host.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.authhost.host.access.Right;

/**
 * nginx {@code auth_request}: a GET subrequest per client request, whatever the client's method,
 * with the client's headers ({@code Authorization} among them) and the original method and URI in
 * {@code X-Original-Method} and {@code X-Original-URI}, as the documented location sets them. The
 * client's address comes from {@code X-Forwarded-For} through {@code security.trustedProxies}.
 */
final class AuthRequestCalls {
  static final String ORIGINAL_URI = "X-Original-URI";
  static final String ORIGINAL_METHOD = "X-Original-Method";

  private AuthRequestCalls() {}

  static StreamCall read(HttpHeaders headers) throws MalformedCall {
    if (headers.getAll(ORIGINAL_URI).size() > 1 || headers.getAll(ORIGINAL_METHOD).size() > 1) {
      throw new MalformedCall("more than one " + ORIGINAL_URI + " or " + ORIGINAL_METHOD);
    }
    String uri = headers.get(ORIGINAL_URI);
    if (uri == null || uri.isEmpty()) {
      throw new MalformedCall(
          "no "
              + ORIGINAL_URI
              + " header (the auth location needs proxy_set_header "
              + ORIGINAL_URI
              + " $request_uri)");
    }
    String method = headers.get(ORIGINAL_METHOD);
    if (method == null || method.isEmpty()) {
      method = "GET";
    } else if (method.length() > 32 || !method.chars().allMatch(AuthRequestCalls::isTokenChar)) {
      throw new MalformedCall(ORIGINAL_METHOD + " is not a method: " + StreamCalls.shown(method));
    }
    String raw = uri.startsWith("/") ? RequestTarget.path(uri) : null;
    String path = RequestTarget.canonical(raw);
    if (path == null) {
      throw new MalformedCall(
          ORIGINAL_URI
              + " is not a canonical origin-form path (bad escapes, encoded '/', '//', '.' or"
              + " '..' segments, control characters): "
              + StreamCalls.shown(uri));
    }
    return new StreamCall(
        method,
        true,
        Right.forMethod(method),
        path,
        method,
        uri,
        null,
        null,
        null,
        headers.get(HttpHeaderNames.AUTHORIZATION));
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }
}
