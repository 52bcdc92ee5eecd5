package org.authhost.host.http;

import io.netty.handler.codec.http.HttpRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.authhost.api.CommandContext;

/** {@code pCommandContext}: the request line and headers, read-only. */
record HttpCommandContext(String method, String requestTarget, Map<String, List<String>> headers)
    implements CommandContext {

  static HttpCommandContext of(HttpRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : request.headers()) {
      headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>()).add(h.getValue());
    }
    headers.replaceAll((k, v) -> List.copyOf(v));
    return new HttpCommandContext(request.method().name(), request.uri(), Collections.unmodifiableMap(headers));
  }
}
