package org.authhost.host.state;

import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code host.json} of the state tests' hosts: Digest on one point, {@code /d/}, over {@code
 * ../media}, with the sections each test adds (its lockout, its state store).
 */
final class DigestHostJson {
  private DigestHostJson() {}

  /** A Redis state store at {@code uri}, with the time limits most of these tests use. */
  static String redisState(String uri) {
    return "\"state\": { \"redis\": { \"uri\": \"%s\", \"timeoutMillis\": 2000,".formatted(uri)
        + " \"connectTimeoutMillis\": 5000 } }";
  }

  /**
   * @param algorithms the Digest plug-in's {@code algorithms}
   * @param sections whole top-level members such as {@code "security": {...}}, in this order
   */
  static String of(String algorithms, String... sections) {
    String extra = Stream.of(sections).map(s -> "  " + s + ",\n").collect(Collectors.joining());
    return """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "settings": { "digest": { "enabled": true, "properties": {
              "realm": "AuthHost", "algorithms": "%s" } } }
          },
          "http": { "port": 0 },
          "accounts": { "digestRealms": ["AuthHost"] },
        %s  "publishingPoints": [ { "name": "d", "prefix": "/d/", "directory": "../media",
            "plugins": ["digest"] } ]
        }
        """
        .formatted(algorithms, extra);
  }
}
