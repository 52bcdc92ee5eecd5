package org.authhost.host.config;

import java.net.InetAddress;

/** {@code rtsp}: the RTSP front, off unless {@code port} or {@code tls} is set. */
final class RtspSection {
  private static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  private static final int DEFAULT_TLS_PORT = 322;

  private RtspSection() {}

  static RtspConfig bind(ConfigSection rtsp) {
    RtspConfig off = RtspConfig.OFF;
    String bindAddress = DEFAULT_BIND_ADDRESS;
    LocatedJson bindValue = rtsp.value("bindAddress");
    if (bindValue != null) {
      InetAddress parsed =
          bindValue instanceof LocatedJson.Str string ? IpLiterals.address(string.value()) : null;
      if (parsed == null) {
        rtsp.bad(
            "bindAddress",
            "an IP address literal such as \"127.0.0.1\", \"0.0.0.0\" or \"::1\" (host names are"
                + " not looked up)");
      } else {
        bindAddress = ((LocatedJson.Str) bindValue).value();
      }
    }
    long port =
        rtsp.whole(
            "port",
            "a port number (0 picks a free one, -1 means no plain RTSP listener)",
            -1,
            65_535,
            off.port());
    TlsConfig tls = rtsp.nullableSection("tls", s -> TlsSection.bind(s, DEFAULT_TLS_PORT));
    int maxInitialLineBytes =
        (int)
            rtsp.whole(
                "maxInitialLineBytes",
                "a whole number of bytes",
                256,
                65_536,
                off.maxInitialLineBytes());
    int maxHeaderBytes =
        (int)
            rtsp.whole(
                "maxHeaderBytes", "a whole number of bytes", 1024, 1_048_576, off.maxHeaderBytes());
    int maxBodyBytes =
        (int)
            rtsp.whole(
                "maxBodyBytes", "a whole number of bytes", 0, 16_777_216, off.maxBodyBytes());
    long idleTimeout =
        rtsp.whole(
            "idleTimeoutMillis",
            "a whole number of milliseconds",
            1,
            86_400_000,
            off.idleTimeoutMillis());
    int maxSessions =
        (int)
            rtsp.whole(
                "maxSessions", "a whole number of sessions", 1, 1_000_000, off.maxSessions());
    return new RtspConfig(
        bindAddress,
        (int) port,
        tls,
        maxInitialLineBytes,
        maxHeaderBytes,
        maxBodyBytes,
        idleTimeout,
        maxSessions);
  }
}
