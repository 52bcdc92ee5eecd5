package org.authhost.host.config;

/** {@code admin}: the loopback endpoint the command line reaches a running host through. */
final class AdminSection {
  private static final int DEFAULT_PORT = 0;

  private AdminSection() {}

  static AdminConfig bind(ConfigSection admin) {
    long port = admin.whole("port", "a port number (0 picks a free one)", 0, 65_535, DEFAULT_PORT);
    return new AdminConfig((int) port);
  }
}
