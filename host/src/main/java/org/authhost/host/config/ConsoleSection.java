package org.authhost.host.config;

import java.net.InetAddress;
import java.util.List;

/**
 * {@code console}: the operator's web console, off unless {@code port} (0: any free port) or {@code
 * tls} is set.
 */
final class ConsoleSection {
  private static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  private static final int DEFAULT_TLS_PORT = 8444;
  private static final long MAX_IDLE_MINUTES = 24 * 60;

  private static final String PLAIN_HTTP_IN_CLEAR =
      "a plain console listener on a non-loopback address sends the session cookie (and Basic"
          + " passwords) in clear; configure console.tls and drop console.port, or set"
          + " console.allowPlainHttp to true";

  private ConsoleSection() {}

  static ConsoleConfig bind(ConfigSection console) {
    ConsoleConfig off = ConsoleConfig.OFF;
    String bindAddress = DEFAULT_BIND_ADDRESS;
    InetAddress bind = IpLiterals.address(DEFAULT_BIND_ADDRESS);
    // "bind" was this section's first name for what every other listener calls "bindAddress".
    String bindKey = "bindAddress";
    LocatedJson bindValue = console.value("bindAddress");
    LocatedJson oldBindValue = console.value("bind");
    if (oldBindValue != null && bindValue != null) {
      console.problemAt(
          "bind", "give bindAddress only (bind is its old name, kept for files that still use it)");
    } else if (oldBindValue != null) {
      bindKey = "bind";
      bindValue = oldBindValue;
    }
    if (bindValue != null) {
      InetAddress parsed =
          bindValue instanceof LocatedJson.Str string ? IpLiterals.address(string.value()) : null;
      if (parsed == null) {
        console.bad(
            bindKey,
            "an IP address literal such as \"127.0.0.1\", \"0.0.0.0\" or \"::1\" (host names are"
                + " not looked up)");
      } else {
        bindAddress = ((LocatedJson.Str) bindValue).value();
      }
      bind = parsed;
    }
    Long port =
        console.wholeOrNull(
            "port",
            "a port number (0 picks a free one, -1 or absent means no plain listener)",
            -1,
            65_535,
            off.port());
    Boolean allowPlainHttp = console.boolOrNull("allowPlainHttp", false);
    TlsConfig tls = console.nullableSection("tls", s -> TlsSection.bind(s, DEFAULT_TLS_PORT));
    String operatorsGroup = null;
    LocatedJson groupValue = console.value("operatorsGroup");
    if (groupValue instanceof LocatedJson.Str group && !group.value().isBlank()) {
      operatorsGroup = group.value().strip();
    } else if (groupValue != null && !(groupValue instanceof LocatedJson.Null)) {
      console.bad("operatorsGroup", "the name of a local group, e.g. \"Operators\", or null");
    }
    long idleMinutes =
        console.whole(
            "idleMinutes", "a whole number of minutes", 1, MAX_IDLE_MINUTES, off.idleMinutes());
    List<String> plugins = PluginsSection.ids(console, "plugins");
    if (bind != null
        && port != null
        && port >= 0
        && allowPlainHttp != null
        && !allowPlainHttp
        && !bind.isLoopbackAddress()) {
      LocatedJson at = console.value("port");
      console.problem(at.pos(), console.pathOf("port") + ": " + PLAIN_HTTP_IN_CLEAR);
    }
    return new ConsoleConfig(
        bindAddress,
        port == null ? off.port() : port.intValue(),
        allowPlainHttp != null && allowPlainHttp,
        tls,
        operatorsGroup,
        idleMinutes,
        plugins,
        bindKey.equals("bind"),
        port != null && port == 0 ? console.value("port").pos().line() : 0);
  }
}
