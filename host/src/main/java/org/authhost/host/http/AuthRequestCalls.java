package org.authhost.host.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.authhost.host.access.Right;

/**
 * nginx {@code auth_request}: a GET subrequest per client request, whatever the client's method,
 * with the client's headers ({@code Authorization} among them) and the original method and URI in
 * {@code X-Original-Method} and {@code X-Original-URI}, as the documented location sets them. The
 * client's address is the last entry of {@code X-Forwarded-For}, the one nginx itself wrote ({@code
 * $remote_addr}), and its scheme the last of {@code X-Forwarded-Proto}: one hop, never {@code
 * Forwarded}, which nginx passes on from the client unless told not to, so that a client could name
 * any address and scheme it likes there.
 */
final class AuthRequestCalls {
  static final String ORIGINAL_URI = "X-Original-URI";
  static final String ORIGINAL_METHOD = "X-Original-Method";
  static final String FORWARDED_FOR = "X-Forwarded-For";
  static final String FORWARDED_PROTO = "X-Forwarded-Proto";

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
      // Read for a write would let a POST through wherever Everyone may read: no default.
      throw new MalformedCall(
          "no "
              + ORIGINAL_METHOD
              + " header (the auth location needs proxy_set_header "
              + ORIGINAL_METHOD
              + " $request_method)");
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
    String client = lastEntry(headers, FORWARDED_FOR);
    if (client == null) {
      throw new MalformedCall(
          "no "
              + FORWARDED_FOR
              + " header (the auth location needs proxy_set_header "
              + FORWARDED_FOR
              + " $remote_addr)");
    }
    client = StreamCalls.address(client, FORWARDED_FOR);
    return new StreamCall(
        method,
        true,
        Right.forMethod(method),
        path,
        method,
        uri,
        client,
        null,
        null,
        headers.get(HttpHeaderNames.AUTHORIZATION));
  }

  /** Whether nginx says its client's leg was TLS: the last {@code X-Forwarded-Proto}, its own. */
  static boolean secure(HttpHeaders headers) {
    return "https".equalsIgnoreCase(lastEntry(headers, FORWARDED_PROTO));
  }

  /** The right-most entry of a comma-separated header's lines: what the last hop (nginx) wrote. */
  private static String lastEntry(HttpHeaders headers, String name) {
    List<String> lines = headers.getAll(name);
    if (lines.isEmpty()) {
      return null;
    }
    String last = lines.get(lines.size() - 1);
    String entry = last.substring(last.lastIndexOf(',') + 1).strip();
    return entry.isEmpty() ? null : entry;
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }
}
