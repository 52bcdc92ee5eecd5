package org.authhost.host;

import java.util.ArrayList;
import java.util.List;

/**
 * One listening socket of a started host, named as the configuration names its section ({@code
 * http}, {@code http.tls}, {@code console}, ...), so the start banner and the "host ready" event
 * list every listener in one form.
 *
 * @param name the configuration section that turns it on
 * @param scheme the URL scheme clients use on it
 * @param address the address it is bound to (an IP literal)
 * @param port the port it listens on
 */
public record Listener(String name, String scheme, String address, int port) {
  /** {@code http http://127.0.0.1:8080}; an IPv6 address in brackets, as in a URL. */
  @Override
  public String toString() {
    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    return name + " " + scheme + "://" + host + ":" + port;
  }

  /** The listeners of {@code host} that are on, in a fixed order: clients first, admin last. */
  static List<Listener> of(AuthHost host) {
    var config = host.config();
    List<Listener> on = new ArrayList<>();
    add(on, "http", "http", config.http().bindAddress(), host.http().plainPort());
    add(on, "http.tls", "https", config.http().bindAddress(), host.http().tlsPort());
    add(on, "rtsp", "rtsp", config.rtsp().bindAddress(), host.rtsp().plainPort());
    add(on, "rtsp.tls", "rtsps", config.rtsp().bindAddress(), host.rtsp().tlsPort());
    add(on, "console", "http", config.console().bindAddress(), host.console().plainPort());
    add(on, "console.tls", "https", config.console().bindAddress(), host.console().tlsPort());
    add(on, "metrics", "http", config.metrics().bindAddress(), host.metricsPort());
    add(on, "metrics.tls", "https", config.metrics().bindAddress(), host.metricsTlsPort());
    add(on, "admin", "http", "127.0.0.1", host.adminPort());
    return List.copyOf(on);
  }

  private static void add(List<Listener> on, String name, String scheme, String address, int port) {
    if (port > 0) {
      on.add(new Listener(name, scheme, address, port));
    }
  }
}
