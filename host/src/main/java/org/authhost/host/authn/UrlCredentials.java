package org.authhost.host.authn;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.authhost.api.AuthenticationFlags;
import org.authhost.host.http.RequestTarget;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.plugins.PluginView;

/**
 * Credentials carried in a request URL's query (API 1.4): a plug-in names the parameters that carry
 * its credential (its descriptor's {@code url-credentials}, or the operator's {@code
 * plugins.settings.<id>.urlCredentials}), and a request whose URL carries one of them goes to that
 * plug-in as an {@code Authorization} header of its scheme would. The host knows no format: only
 * names. The same names are removed from every URL the host forwards to an origin or writes into
 * its audit, whichever plug-in or publishing point they belong to, so a signature or token never
 * outlives the request in a log.
 *
 * <p>A name matches after percent-decoding ({@code %61h_sig} is {@code ah_sig}), so a client cannot
 * slip a credential past the removal by encoding its name.
 */
@Singleton
public final class UrlCredentials {
  private final PluginHost plugins;

  @Inject
  public UrlCredentials(PluginHost plugins) {
    this.plugins = plugins;
  }

  /**
   * A credential found in a URL for one plug-in.
   *
   * @param plugin the first offered plug-in (in offer order) that names a parameter the URL has
   * @param blob its response blob: its parameters as the URL has them ({@code name=value} joined by
   *     {@code &}, in URL order; each name as the plug-in declared it, each value still
   *     percent-encoded)
   */
  public record Found(PluginView plugin, String blob) {}

  /** The first of {@code offered} whose credential {@code target}'s query carries, if any. */
  public Optional<Found> find(List<PluginView> offered, String target) {
    String query = target == null ? null : RequestTarget.query(target);
    if (query == null || query.isEmpty()) {
      return Optional.empty();
    }
    for (PluginView p : offered) {
      if (AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS)) {
        continue;
      }
      List<String> names = plugins.urlCredentials(p.id());
      if (names.isEmpty()) {
        continue;
      }
      StringBuilder blob = new StringBuilder();
      for (String pair : query.split("&", -1)) {
        String name = name(pair);
        if (names.contains(name)) {
          if (blob.length() > 0) {
            blob.append('&');
          }
          // The name as the plug-in declared it, the value as the client sent it.
          int eq = pair.indexOf('=');
          blob.append(name).append(eq < 0 ? "" : pair.substring(eq));
        }
      }
      if (blob.length() > 0) {
        return Optional.of(new Found(p, blob.toString()));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code target} without any parameter that a loaded plug-in names: what the host forwards and
   * logs. The path and every other parameter are kept as they were, in their order.
   */
  public String withoutCredentials(String target) {
    if (target == null || target.indexOf('?') < 0) {
      return target;
    }
    Set<String> names = plugins.everyUrlCredential();
    if (names.isEmpty()) {
      return target;
    }
    int q = target.indexOf('?');
    int hash = target.indexOf('#', q);
    String query = hash < 0 ? target.substring(q + 1) : target.substring(q + 1, hash);
    String fragment = hash < 0 ? "" : target.substring(hash);
    StringBuilder kept = new StringBuilder();
    boolean removed = false;
    for (String pair : query.split("&", -1)) {
      if (names.contains(name(pair))) {
        removed = true;
        continue;
      }
      if (kept.length() > 0) {
        kept.append('&');
      }
      kept.append(pair);
    }
    if (!removed) {
      return target;
    }
    return target.substring(0, q) + (kept.length() == 0 ? "" : "?" + kept) + fragment;
  }

  /**
   * The parameters of {@code target}'s query that a loaded plug-in names, as the client sent them,
   * joined by {@code &} in URL order: what {@link #withoutCredentials} removes. Empty when none.
   */
  public String credentialsOf(String target) {
    if (target == null || target.indexOf('?') < 0) {
      return "";
    }
    Set<String> names = plugins.everyUrlCredential();
    if (names.isEmpty()) {
      return "";
    }
    int q = target.indexOf('?');
    int hash = target.indexOf('#', q);
    String query = hash < 0 ? target.substring(q + 1) : target.substring(q + 1, hash);
    StringBuilder found = new StringBuilder();
    for (String pair : query.split("&", -1)) {
      if (names.contains(name(pair))) {
        if (found.length() > 0) {
          found.append('&');
        }
        found.append(pair);
      }
    }
    return found.toString();
  }

  /** A query pair's name, percent-decoded ({@code +} is a space); the raw text if undecodable. */
  public static String name(String pair) {
    int eq = pair.indexOf('=');
    String raw = eq < 0 ? pair : pair.substring(0, eq);
    if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%' && i + 2 < raw.length()) {
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return raw;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c == '%') {
        return raw;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
