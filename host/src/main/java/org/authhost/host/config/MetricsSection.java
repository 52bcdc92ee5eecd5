package org.authhost.host.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code metrics}: where the Prometheus listener listens (plain {@code port}, HTTPS {@code tls}, or
 * both) and whom it answers.
 */
final class MetricsSection {
  private static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  private static final int DEFAULT_TLS_PORT = 9465;

  private MetricsSection() {}

  static MetricsConfig bind(ConfigSection metrics) {
    long port =
        metrics.whole(
            "port",
            "a port number (0 picks a free one, -1 means no metrics listener)",
            -1,
            65_535,
            MetricsConfig.OFF.port());
    String bindAddress = DEFAULT_BIND_ADDRESS;
    LocatedJson bindValue = metrics.value("bindAddress");
    if (bindValue != null) {
      InetAddress parsed =
          bindValue instanceof LocatedJson.Str string ? IpLiterals.address(string.value()) : null;
      if (parsed == null) {
        metrics.bad(
            "bindAddress",
            "an IP address literal such as \"127.0.0.1\", \"0.0.0.0\" or \"::1\" (host names are"
                + " not looked up)");
      } else {
        bindAddress = ((LocatedJson.Str) bindValue).value();
      }
    }
    List<String> allow = IpRanges.bind(metrics, "allow");
    String token = null;
    LocatedJson tokenValue = metrics.value("bearerToken");
    if (tokenValue instanceof LocatedJson.Str string
        && MetricsConfig.isUsableToken(string.value())) {
      token = string.value();
    } else if (tokenValue != null) {
      // Never the value itself: a token written wrongly is still somebody's secret.
      metrics.problemAt(
          "bearerToken",
          "expected a string of at least "
              + MetricsConfig.MIN_TOKEN_LENGTH
              + " printable characters without spaces (RFC 6750 b64token), found "
              + (tokenValue instanceof LocatedJson.Str ? "another string" : "a non-string value")
              + "; or leave it out and use bearerTokenFile");
    }
    Path tokenFile = metrics.filePath("bearerTokenFile", null);
    if (token != null && tokenFile != null) {
      metrics.problemAt(
          "bearerTokenFile", "give bearerToken or bearerTokenFile, not both (the file is better)");
    }
    TlsConfig tls = metrics.nullableSection("tls", s -> TlsSection.bind(s, DEFAULT_TLS_PORT));
    return new MetricsConfig((int) port, bindAddress, allow, token, tokenFile, tls);
  }
}
