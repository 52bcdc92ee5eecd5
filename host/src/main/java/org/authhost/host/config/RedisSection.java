package org.authhost.host.config;

import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code state.redis}: absent or {@code null} keeps the state in this host's memory. The password
 * is never echoed into a problem: only where it was and what was wrong with it.
 */
final class RedisSection {
  static final List<String> SCHEMES = List.of("redis", "rediss", "redis-sentinel");
  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern PREFIX = Pattern.compile("[\\x21-\\x7e]{1,64}");
  private static final String URI_EXPECTED =
      "a Redis URI: redis://host:port[/db] (rediss:// for TLS) or"
          + " redis-sentinel://host:port[,host:port]/[db]#masterName";

  private RedisSection() {}

  static RedisConfig bind(ConfigSection redis) {
    String uri = uri(redis);
    String password = password(redis);
    String user = user(redis);
    String keyPrefix = keyPrefix(redis);
    long timeout =
        redis.whole(
            "timeoutMillis",
            "a whole number of milliseconds",
            10,
            60_000,
            RedisConfig.DEFAULT_TIMEOUT_MILLIS);
    long connectTimeout =
        redis.whole(
            "connectTimeoutMillis",
            "a whole number of milliseconds",
            10,
            60_000,
            RedisConfig.DEFAULT_CONNECT_TIMEOUT_MILLIS);
    return uri == null
        ? null
        : new RedisConfig(
            uri,
            password,
            user,
            keyPrefix,
            Duration.ofMillis(timeout),
            Duration.ofMillis(connectTimeout));
  }

  private static String uri(ConfigSection redis) {
    LocatedJson value = redis.required("uri", URI_EXPECTED);
    if (value == null) {
      return null;
    }
    if (!(value instanceof LocatedJson.Str string)) {
      redis.bad("uri", URI_EXPECTED);
      return null;
    }
    String uri = string.value();
    String shown = JsonText.quote(RedisConfig.redactedUri(uri));
    int colon = uri.indexOf("://");
    String scheme = colon < 0 ? "" : uri.substring(0, colon);
    if (!SCHEMES.contains(scheme)) {
      redis.problemAt("uri", "expected " + URI_EXPECTED + ", found " + shown);
      return null;
    }
    int hash = uri.indexOf('#');
    if (scheme.equals("redis-sentinel") && (hash < 0 || hash == uri.length() - 1)) {
      redis.problemAt(
          "uri",
          "a Sentinel URI names its master after '#' (redis-sentinel://host:26379#mymaster),"
              + " found "
              + shown);
      return null;
    }
    try {
      RedisURI.create(uri);
    } catch (RuntimeException e) {
      // Not the parser's message: java.net.URI repeats the whole input in it, password included.
      redis.problemAt(
          "uri",
          "expected "
              + URI_EXPECTED
              + ", found "
              + shown
              + " (not a valid URI: a character such as '%', '^' or a space in the password"
              + " must be percent-escaped, or give it in password)");
      return null;
    }
    return uri;
  }

  /**
   * {@code password} (a string, or {@code ${env:NAME}} for an environment variable) or {@code
   * passwordFile} (its first line), not both.
   */
  private static String password(ConfigSection redis) {
    LocatedJson value = redis.value("password");
    LocatedJson file = redis.value("passwordFile");
    if (value != null && file != null) {
      redis.problemAt("passwordFile", "give password or passwordFile, not both");
      return null;
    }
    if (file != null) {
      Path path = redis.filePath("passwordFile", null);
      if (path == null) {
        return null;
      }
      try {
        String text = Files.readString(path, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        if (text.isEmpty()) {
          redis.problemAt("passwordFile", "the file " + path + " is empty; expected the password");
          return null;
        }
        return text;
      } catch (IOException e) {
        redis.problemAt(
            "passwordFile",
            "cannot read "
                + path
                + " ("
                + e.getClass().getSimpleName()
                + "); expected a file"
                + " whose first line is the password, readable by the host");
        return null;
      }
    }
    if (value == null) {
      return null;
    }
    if (!(value instanceof LocatedJson.Str string) || string.value().isEmpty()) {
      // Whatever it was, it is not shown: it may be the password written as a number.
      redis.problemAt(
          "password", "expected a non-empty string, or ${env:NAME} for an environment variable");
      return null;
    }
    Matcher env = ENV.matcher(string.value());
    if (env.matches()) {
      String fromEnv = System.getenv(env.group(1));
      if (fromEnv == null || fromEnv.isEmpty()) {
        redis.problemAt(
            "password",
            "the environment variable "
                + env.group(1)
                + " is not set; expected the password in it");
        return null;
      }
      return fromEnv;
    }
    return string.value();
  }

  private static String user(ConfigSection redis) {
    LocatedJson value = redis.value("user");
    if (value == null) {
      return null;
    }
    if (value instanceof LocatedJson.Str string && !string.value().isBlank()) {
      return string.value();
    }
    redis.bad("user", "an ACL user name, a non-empty string");
    return null;
  }

  private static String keyPrefix(ConfigSection redis) {
    LocatedJson value = redis.value("keyPrefix");
    if (value == null) {
      return RedisConfig.DEFAULT_KEY_PREFIX;
    }
    if (value instanceof LocatedJson.Str string && PREFIX.matcher(string.value()).matches()) {
      return string.value();
    }
    // Not empty: the host's keys would sit at the top of a Redis other applications share.
    redis.bad(
        "keyPrefix",
        "1 to 64 printable ASCII characters without spaces, ending with a separator such as"
            + " \"authhost:\"");
    return RedisConfig.DEFAULT_KEY_PREFIX;
  }
}
