package org.authhost.host.config;

import java.nio.file.Path;

/** {@code http.tls}: the HTTPS listener; absent or {@code null} for none. */
final class TlsSection {
  private static final int DEFAULT_PORT = 8443;

  private TlsSection() {}

  /** The listener, or {@code null} when the keystore or its password is missing or refused. */
  static TlsConfig bind(ConfigSection tls) {
    return bind(tls, DEFAULT_PORT);
  }

  /** The same for a listener whose port defaults to {@code defaultPort} ({@code rtsp.tls}). */
  static TlsConfig bind(ConfigSection tls, int defaultPort) {
    Path keystore = null;
    if (tls.required("keystore", "the path of a PKCS#12 keystore with the server's key") != null) {
      keystore = tls.filePath("keystore", null);
    }
    String password = null;
    LocatedJson passwordValue = tls.required("password", "the keystore's password, a string");
    if (passwordValue instanceof LocatedJson.Str string) {
      password = string.value();
    } else if (passwordValue != null) {
      // A password written as a number is still a password: never echo it into a log.
      tls.problemAt("password", "expected a string, found " + kind(passwordValue));
    }
    long port = tls.whole("port", "a port number (0 picks a free one)", 0, 65_535, defaultPort);
    return keystore == null || password == null
        ? null
        : new TlsConfig(keystore, password, (int) port);
  }

  /** What kind of JSON value this is, without showing the value. */
  private static String kind(LocatedJson value) {
    if (value instanceof LocatedJson.Num) {
      return "a number";
    }
    if (value instanceof LocatedJson.Bool) {
      return "true or false";
    }
    return value.describe(); // null, an object, an array
  }
}
