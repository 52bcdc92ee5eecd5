package org.authhost.host.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.authn.Verdict;

/**
 * Keeps one user's answers out of shared caches. RFC 9111 §3.5 keeps a shared cache from storing an
 * answer only when the request carried {@code Authorization}; two kinds of authenticated request
 * carry none (the later requests of a connection an NTLM or Negotiate handshake proved, and a
 * credential in the URL such as a signed link or an {@code access_token}), and an answer with
 * {@code Last-Modified} may then be stored heuristically (§4.2.2) and handed to a client that never
 * logged on, or after the link expired. Such answers say {@code Cache-Control: private}; the
 * validators stay, so a player's own cache still revalidates. Anonymous content, and answers to
 * requests with {@code Authorization}, are left as they are (the benchmark's paths among them).
 */
final class PersonalAnswers {
  static final AsciiString PRIVATE = AsciiString.cached("private");

  private PersonalAnswers() {}

  /** Whether the answer to this request, served on this verdict, must say it is private. */
  static boolean mustSayPrivate(Verdict.Serve serve, HttpRequest request) {
    return serve.personal() && !request.headers().contains(HttpHeaderNames.AUTHORIZATION);
  }

  /**
   * An origin's {@code Cache-Control} made private: kept where it already says {@code private} or
   * {@code no-store}; otherwise {@code private} with the origin's other directives, less those that
   * address shared caches only or allow them ({@code public}, {@code s-maxage}, and a {@code
   * private} that names fields, which leaves the body shareable).
   *
   * @param origin the origin's value, or null when it sent none
   */
  static String privateForm(String origin) {
    if (origin == null || origin.isBlank()) {
      return "private";
    }
    List<String> kept = new ArrayList<>();
    kept.add("private");
    for (String directive : directives(origin)) {
      int eq = directive.indexOf('=');
      String name = (eq < 0 ? directive : directive.substring(0, eq)).strip();
      if ((name.equalsIgnoreCase("private") && eq < 0) || name.equalsIgnoreCase("no-store")) {
        return origin;
      }
      if (name.equalsIgnoreCase("public")
          || name.equalsIgnoreCase("s-maxage")
          || name.equalsIgnoreCase("private")
          || name.isEmpty()) {
        continue;
      }
      kept.add(directive.strip());
    }
    return String.join(", ", kept);
  }

  /** The directives of a {@code Cache-Control} value: split at commas outside quoted strings. */
  private static List<String> directives(String value) {
    List<String> out = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(value.substring(start, i));
        start = i + 1;
      }
    }
    out.add(value.substring(start));
    return out;
  }
}
