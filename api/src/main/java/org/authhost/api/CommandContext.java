package org.authhost.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The request being authenticated.
 *
 * <p>WMS counterpart: {@code IWMSCommandContext}, reduced to the request's method, target and
 * headers. Read-only.
 */
public interface CommandContext {

  /** The request method, e.g. {@code GET} or {@code DESCRIBE}. */
  String method();

  /** The request target exactly as on the request line. */
  String requestTarget();

  /** Every header, names in lower case, values in arrival order. */
  Map<String, List<String>> headers();

  /** The first value of a header (name case-insensitive). */
  default Optional<String> header(String name) {
    List<String> values = headers().get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
