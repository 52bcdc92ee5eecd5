package org.authhost.host.config;

import java.net.InetAddress;

/** {@code http}: where the HTTP front listens and the limits a public server needs. */
final class HttpSection {
  private static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  private static final int DEFAULT_PORT = 8080;
  private static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 8192;
  private static final int DEFAULT_MAX_HEADER_BYTES = 16384;
  private static final int DEFAULT_MAX_HEADERS = 100;
  private static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 60_000;
  private static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  private static final long MAX_HANDSHAKE_TIMEOUT_MILLIS = 600_000;
  private static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  private static final String PLAIN_HTTP_IN_CLEAR =
      "plain HTTP on a non-loopback address sends Basic passwords in clear; set"
          + " http.allowPlainHttp to true, or http.port to -1 and configure http.tls";

  private HttpSection() {}

  static HttpConfig bind(ConfigSection http) {
    LocatedJson bindValue = http.value("bindAddress");
    String bindAddress = DEFAULT_BIND_ADDRESS;
    InetAddress bind = IpLiterals.address(DEFAULT_BIND_ADDRESS);
    if (bindValue != null) {
      InetAddress parsed =
          bindValue instanceof LocatedJson.Str string ? IpLiterals.address(string.value()) : null;
      if (parsed == null) {
        http.bad(
            "bindAddress",
            "an IP address literal such as \"127.0.0.1\", \"0.0.0.0\" or \"::1\" (host names are"
                + " not looked up)");
      } else {
        bindAddress = ((LocatedJson.Str) bindValue).value();
      }
      bind = parsed;
    }
    Long port =
        http.wholeOrNull(
            "port",
            "a port number (0 picks a free one, -1 means no plain HTTP listener)",
            -1,
            65_535,
            DEFAULT_PORT);
    Boolean allowPlainHttp = http.boolOrNull("allowPlainHttp", false);
    TlsConfig tls = http.nullableSection("tls", TlsSection::bind);
    int maxInitialLineBytes =
        (int)
            http.whole(
                "maxInitialLineBytes",
                "a whole number of bytes",
                256,
                65_536,
                DEFAULT_MAX_INITIAL_LINE_BYTES);
    int maxHeaderBytes =
        (int)
            http.whole(
                "maxHeaderBytes",
                "a whole number of bytes",
                1024,
                1_048_576,
                DEFAULT_MAX_HEADER_BYTES);
    int maxHeaders =
        (int)
            http.whole(
                "maxHeaders", "a whole number of header fields", 1, 10_000, DEFAULT_MAX_HEADERS);
    long idleTimeout =
        http.whole(
            "idleTimeoutMillis",
            "a whole number of milliseconds",
            1,
            86_400_000,
            DEFAULT_IDLE_TIMEOUT_MILLIS);
    long handshakeTimeout =
        http.whole(
            "handshakeTimeoutMillis",
            "a whole number of milliseconds",
            1,
            MAX_HANDSHAKE_TIMEOUT_MILLIS,
            DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    int maxConnections =
        (int)
            http.whole(
                "maxConnections",
                "a whole number of connections",
                1,
                1_000_000,
                DEFAULT_MAX_CONNECTIONS);
    HttpConfig config =
        new HttpConfig(
            bindAddress,
            port == null ? DEFAULT_PORT : port.intValue(),
            allowPlainHttp != null && allowPlainHttp,
            tls,
            maxInitialLineBytes,
            maxHeaderBytes,
            maxHeaders,
            idleTimeout,
            handshakeTimeout,
            maxConnections);
    // Only values that were accepted are cross-checked: one mistake, one problem.
    if (bind != null
        && port != null
        && port != -1
        && allowPlainHttp != null
        && !config.plainHttpAllowed()) {
      // bindAddress is set (the default is loopback); the port may be the default.
      LocatedJson portValue = http.value("port");
      LocatedJson at = portValue != null ? portValue : bindValue;
      http.problem(at.pos(), http.pathOf("port") + ": " + PLAIN_HTTP_IN_CLEAR);
    }
    return config;
  }
}
