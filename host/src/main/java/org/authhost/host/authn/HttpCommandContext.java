package org.authhost.host.authn;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.authhost.api.CommandContext;
import org.authhost.api.PasswordCredential;

/**
 * {@code pCommandContext}: the request line and headers, read-only. The header map is built only
 * when a plug-in asks for all of it: most read one header or none, and copying every header of
 * every request was a measurable share of the serving CPU.
 */
public final class HttpCommandContext implements CommandContext {
  private final String method;
  private final String requestTarget;
  private final HttpHeaders source;
  private final PasswordCredential password;
  private volatile Map<String, List<String>> headers;

  /**
   * The names of the headers a plug-in read one by one, lower-cased, in the order first read; null
   * while it read none. With {@link #headers} built, it read them all.
   */
  private List<String> namesRead;

  private HttpCommandContext(
      String method, String requestTarget, HttpHeaders source, PasswordCredential password) {
    this.method = method;
    this.requestTarget = requestTarget;
    this.source = source;
    this.password = password;
  }

  /**
   * The request a streaming server asks about for its client: the client's method and target (nginx
   * {@code auth_request}: the original ones, which Digest checks its {@code uri} against), with
   * {@code headers} as the client sent them or as the host made them from the call.
   */
  public static HttpCommandContext of(String method, String requestTarget, HttpHeaders headers) {
    return new HttpCommandContext(method, requestTarget, headers, null);
  }

  /**
   * This request with a password the client gave outside the header, for the one plug-in the driver
   * hands it to.
   */
  public HttpCommandContext withPassword(PasswordCredential credential) {
    return new HttpCommandContext(method, requestTarget, source, credential);
  }

  @Override
  public Optional<PasswordCredential> passwordCredential() {
    return Optional.ofNullable(password);
  }

  /**
   * Reads {@code request}'s headers when asked, not now: nothing changes a client's request headers
   * (the origin proxy copies them before it drops {@code Authorization}), and the request object is
   * not pooled, so the later read sees what arrived.
   */
  public static HttpCommandContext of(HttpRequest request) {
    return new HttpCommandContext(request.method().name(), request.uri(), request.headers(), null);
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String requestTarget() {
    return requestTarget;
  }

  @Override
  public Map<String, List<String>> headers() {
    Map<String, List<String>> built = headers;
    if (built == null) {
      Map<String, List<String>> all = new LinkedHashMap<>();
      for (Map.Entry<String, String> h : source) {
        all.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(h.getValue());
      }
      all.replaceAll((k, v) -> List.copyOf(v));
      built = Collections.unmodifiableMap(all);
      headers = built; // a race builds the same map twice, which is harmless
    }
    return built;
  }

  @Override
  public Optional<String> header(String name) {
    noteRead(name.toLowerCase(Locale.ROOT));
    // Netty's look-up ignores ASCII case, as the map's keys do; header names on the wire are ASCII.
    return Optional.ofNullable(source.get(name));
  }

  private synchronized void noteRead(String name) {
    if (namesRead == null) {
      namesRead = new ArrayList<>(2);
    }
    if (!namesRead.contains(name)) {
      namesRead.add(name);
    }
  }

  /**
   * The headers the plug-ins asked for, as {@code name: value} lines (every header when one asked
   * for them all): besides the credentials, what a verdict on this request may rest on (a second
   * factor in a header of its own, say), so that a proof sent again is the same proof only if those
   * are the same too ({@link RefusedProof}).
   */
  synchronized String headersRead() {
    StringBuilder read = new StringBuilder();
    if (headers != null) {
      headers.forEach((name, values) -> values.forEach(v -> line(read, name, v)));
    } else if (namesRead != null) {
      for (String name : namesRead) {
        source.getAll(name).forEach(v -> line(read, name, v));
      }
    }
    return read.toString();
  }

  private static void line(StringBuilder b, String name, String value) {
    b.append(name).append(": ").append(value).append('\n');
  }
}
