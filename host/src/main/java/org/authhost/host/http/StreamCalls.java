package org.authhost.host.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.NetUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.authhost.api.PasswordCredential;
import org.authhost.host.authn.Audit;
import org.authhost.host.config.StreamHookConfig;

/**
 * What the streaming servers' calls have in common: form fields and URL queries, the stream's path
 * and the client's credentials from its URL. Every check here refuses rather than guesses: a call
 * that is not exactly what the contract says is a {@link MalformedCall}.
 */
final class StreamCalls {
  /**
   * The most fields one call may have; nginx-rtmp's own are a dozen, the client's query adds few.
   */
  static final int MAX_FIELDS = 256;

  /** The longest stream path, user name or password read. */
  static final int MAX_VALUE = 4096;

  private StreamCalls() {}

  /**
   * Form fields ({@code a=b&c=d}, URL-encoded UTF-8), as nginx-rtmp posts them and as a URL query
   * carries them. A field given twice keeps its first value: the streaming server writes its own
   * fields first and appends the client's query after them, so a client cannot replace {@code addr}
   * or {@code call} by adding them to its URL.
   */
  static Map<String, List<String>> fields(String form) throws MalformedCall {
    if (form.length() > RequestCallBodies.MAX_BODY) {
      throw new MalformedCall("form longer than " + RequestCallBodies.MAX_BODY + " characters");
    }
    try {
      return new QueryStringDecoder(form, StandardCharsets.UTF_8, false, MAX_FIELDS, true)
          .parameters();
    } catch (IllegalArgumentException e) {
      // Not the decoder's message: it quotes the whole form, the client's password with it.
      throw new MalformedCall("form fields do not decode (a malformed %-escape)");
    }
  }

  /** The first value of a field, or null. */
  static String first(Map<String, List<String>> fields, String name) {
    List<String> values = fields.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of a required field, non-empty. */
  static String required(Map<String, List<String>> fields, String name) throws MalformedCall {
    String value = first(fields, name);
    if (value == null || value.isEmpty()) {
      throw new MalformedCall("missing required field '" + name + "'");
    }
    return value;
  }

  /** The client's address: an IP literal, never a name to look up. */
  static String address(String text, String field) throws MalformedCall {
    if (text == null || text.isEmpty()) {
      throw new MalformedCall("missing required field '" + field + "' (the client's address)");
    }
    if (!NetUtil.isValidIpV4Address(text) && !NetUtil.isValidIpV6Address(text)) {
      throw new MalformedCall("field '" + field + "' is not an IP address: " + shown(text));
    }
    return text;
  }

  /**
   * {@code prefix + first + "/" + second} (second may be empty: {@code /live/}): the path of a
   * stream, refused when it holds what a request path could not (control characters, NUL, a
   * backslash, an empty, {@code .} or {@code ..} segment), so that no stream name reaches a point a
   * request path could not.
   */
  static String path(String prefix, String first, String second) throws MalformedCall {
    String path = prefix + first + "/" + second;
    if (path.length() > MAX_VALUE) {
      throw new MalformedCall("stream path longer than " + MAX_VALUE + " characters");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0)) {
        throw new MalformedCall("stream path has a control character or a backslash");
      }
    }
    String[] segments = path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.equals(".") || s.equals("..") || (s.isEmpty() && !last)) {
        throw new MalformedCall("stream path " + shown(path) + " has an empty, '.' or '..' part");
      }
    }
    return path;
  }

  /**
   * The client's credentials from its URL's query: {@code userParam} and {@code passwordParam} as a
   * password credential, else the first {@code schemeParams} entry present as {@code Authorization:
   * <scheme> <value>}. Null members when there are none.
   */
  static Credentials credentials(Map<String, List<String>> query, StreamHookConfig config)
      throws MalformedCall {
    String user = first(query, config.userParam());
    String password = first(query, config.passwordParam());
    if (user != null && !user.isEmpty() && password != null) {
      return new Credentials(user, new PasswordCredential(bounded(user), bounded(password)), null);
    }
    for (Map.Entry<String, String> scheme : config.schemeParams().entrySet()) {
      String value = first(query, scheme.getKey());
      if (value != null && !value.isEmpty()) {
        return new Credentials(
            user == null || user.isEmpty() ? null : user, null, header(scheme.getValue(), value));
      }
    }
    return new Credentials(user == null || user.isEmpty() ? null : user, null, null);
  }

  /** {@code <scheme> <value>}, refused when the value could not be one header's. */
  static String header(String scheme, String value) throws MalformedCall {
    bounded(value);
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c > 0xff)) {
      throw new MalformedCall("a credential holds a character a header cannot");
    }
    return scheme + " " + value;
  }

  private static String bounded(String value) throws MalformedCall {
    if (value.length() > MAX_VALUE) {
      throw new MalformedCall("a credential longer than " + MAX_VALUE + " characters");
    }
    return value;
  }

  /**
   * The client's target with its query, as a plug-in reading {@code CommandContext.requestTarget()}
   * sees an HTTP client's: {@code path?query}, or the path alone for none. A query with a space or
   * a control character (not from a URL) is left out.
   */
  static String withQuery(String path, String query) {
    if (query == null
        || query.isEmpty()
        || query.length() > MAX_VALUE
        || query.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      return path;
    }
    return path + "?" + query;
  }

  /** A value for a message, cut and with control characters replaced. */
  static String shown(String value) {
    String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return Audit.quoted(cut);
  }

  /**
   * @param account the user name given, for the audit, or null
   * @param password a password credential, or null
   * @param authorization a header to route by scheme, or null
   */
  record Credentials(String account, PasswordCredential password, String authorization) {}
}
