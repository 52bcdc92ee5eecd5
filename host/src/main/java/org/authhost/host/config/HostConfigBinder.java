package org.authhost.host.config;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The schema of {@code host.json}: checks a {@link LocatedJson} tree key by key and builds the
 * configuration records from it.
 *
 * <p>Every check records its problem and carries on with the default, so that one pass finds as
 * much as it can; the caller throws if anything was recorded, so the half-defaulted result of a bad
 * file is never used.
 */
final class HostConfigBinder {
  static final List<String> TOP_KEYS =
      List.of(
          "serverName",
          "dataDirectory",
          "plugins",
          "eventLog",
          "admin",
          "http",
          "accounts",
          "security",
          "publishingPoints");
  static final List<String> PLUGINS_KEYS =
      List.of("directory", "callTimeoutMillis", "callbackTimeoutMillis", "order", "settings");
  static final List<String> PLUGIN_SETTINGS_KEYS = List.of("enabled", "properties");
  static final List<String> EVENT_LOG_KEYS =
      List.of(
          "directory",
          "maxBytes",
          "segmentBytes",
          "retentionDays",
          "fsync",
          "troubleshootingLimit");
  static final List<String> ADMIN_KEYS = List.of("port");
  static final List<String> HTTP_KEYS =
      List.of(
          "bindAddress",
          "port",
          "allowPlainHttp",
          "tls",
          "maxInitialLineBytes",
          "maxHeaderBytes",
          "maxHeaders",
          "idleTimeoutMillis",
          "handshakeTimeoutMillis",
          "maxConnections");
  static final List<String> TLS_KEYS = List.of("keystore", "password", "port");
  static final List<String> ACCOUNTS_KEYS = List.of("file", "digestRealms", "guestAccount");
  static final List<String> SECURITY_KEYS = List.of("ipAllow", "ipDeny", "lockout");
  static final List<String> LOCKOUT_KEYS =
      List.of("threshold", "addressThreshold", "windowSeconds", "durationSeconds");
  static final List<String> PUBLISHING_POINT_KEYS =
      List.of("name", "prefix", "directory", "origin", "plugins", "acl", "ipAllow", "ipDeny");
  static final List<String> ACE_KEYS = List.of("type", "principal", "rights");

  static final int MAX_SERVER_NAME_LENGTH = 63;
  static final String DEFAULT_DATA_DIRECTORY = "../var";
  static final String DEFAULT_PLUGINS_DIRECTORY = "${" + Placeholders.AUTHHOST_HOME + "}/plugins";
  static final long DEFAULT_CALL_TIMEOUT_MILLIS = 5_000;
  static final long DEFAULT_CALLBACK_TIMEOUT_MILLIS = 10_000;
  static final long MAX_TIMEOUT_MILLIS = 600_000;
  static final List<String> DEFAULT_ORDER = List.of();
  static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
  static final long MIN_MAX_BYTES = 1024 * 1024;
  static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
  static final long MIN_SEGMENT_BYTES = 64 * 1024;
  static final int DEFAULT_RETENTION_DAYS = 90;
  static final int DEFAULT_TROUBLESHOOTING_LIMIT = 1_000;
  static final int MAX_TROUBLESHOOTING_LIMIT = 100_000;
  static final int DEFAULT_ADMIN_PORT = 0;

  static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  static final int DEFAULT_HTTP_PORT = 8080;
  static final int DEFAULT_HTTPS_PORT = 8443;
  static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 8192;
  static final int DEFAULT_MAX_HEADER_BYTES = 16384;
  static final int DEFAULT_MAX_HEADERS = 100;
  static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 60_000;
  static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  static final String DEFAULT_ACCOUNTS_FILE = "accounts.json";
  static final List<String> DEFAULT_DIGEST_REALMS = List.of("AuthHost");

  /** The longest realm WMS accepts. */
  static final int MAX_REALM_LENGTH = 251;

  static final String DEFAULT_GUEST_ACCOUNT = "Guest";
  static final int MAX_ACCOUNT_NAME_LENGTH = 63;
  static final int DEFAULT_LOCKOUT_THRESHOLD = 5;
  static final int DEFAULT_LOCKOUT_ADDRESS_THRESHOLD = 20;
  static final long DEFAULT_LOCKOUT_WINDOW_SECONDS = 300;
  static final long DEFAULT_LOCKOUT_DURATION_SECONDS = 900;
  static final List<String> RIGHTS = List.of("read", "write", "create");

  static final String PLAIN_HTTP_IN_CLEAR =
      "plain HTTP on a non-loopback address sends Basic passwords in clear; set"
          + " http.allowPlainHttp to true, or http.port to -1 and configure http.tls";

  static final Pattern PUBLISHING_POINT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final String PUBLISHING_POINT_NAME_EXPECTED =
      "a publishing point name (a lowercase letter or digit, then up to 63 lowercase letters,"
          + " digits, '.', '_' or '-')";
  private static final String PREFIX_EXPECTED =
      "a URL path prefix that starts and ends with '/', such as \"/vod/\" (RFC 3986 path"
          + " characters only; no \"..\", \"//\", '%', '?' or '#')";
  private static final String ORIGIN_EXPECTED =
      "an absolute http:// or https:// URI with a host and no query or fragment, such as"
          + " \"https://origin.example/media/\"";
  private static final String IP_RANGE_EXPECTED =
      "an IP address or CIDR range such as \"10.0.0.0/8\", \"192.0.2.7\" or \"::1/128\"";
  // Characters RFC 3986 allows in a path: unreserved, sub-delims, ':', '@' and '/'.
  private static final String PATH_PUNCTUATION = "-._~!$&'()*+,;=:@/";


  private final Path configDirectory;
  private final Problems problems;
  private final Placeholders placeholders;

  /**
   * @param configDirectory absolute and normalized; relative paths in the file resolve against it
   */
  HostConfigBinder(Path configDirectory, Problems problems, Placeholders placeholders) {
    this.configDirectory = configDirectory;
    this.problems = problems;
    this.placeholders = placeholders;
  }

  HostConfig bind(LocatedJson root) {
    LocatedJson.Obj top;
    if (root instanceof LocatedJson.Obj obj) {
      top = obj;
      checkKeys(top, "", TOP_KEYS);
    } else {
      problems.add(
          ConfigProblem.BAD_VALUE,
          root.pos(),
          "expected a JSON object at the top level (an empty {} gives all defaults), found "
              + root.describe());
      top = LocatedJson.Obj.EMPTY;
    }
    String serverName = serverName(top);
    Path dataDirectory =
        path(top, "dataDirectory", "dataDirectory", () -> defaultPath(DEFAULT_DATA_DIRECTORY));
    PluginsConfig plugins = plugins(section(top, "plugins", PLUGINS_KEYS));
    EventLogConfig eventLog =
        eventLog(section(top, "eventLog", EVENT_LOG_KEYS), dataDirectory.resolve("events"));
    AdminConfig admin = admin(section(top, "admin", ADMIN_KEYS));
    HttpConfig http = http(section(top, "http", HTTP_KEYS));
    AccountsConfig accounts =
        accounts(
            section(top, "accounts", ACCOUNTS_KEYS), dataDirectory.resolve(DEFAULT_ACCOUNTS_FILE));
    SecurityConfig security = security(section(top, "security", SECURITY_KEYS));
    List<PublishingPointConfig> publishingPoints = publishingPoints(top.get("publishingPoints"));
    return new HostConfig(
        configDirectory,
        serverName,
        dataDirectory,
        plugins,
        eventLog,
        admin,
        http,
        accounts,
        security,
        publishingPoints);
  }

  private PluginsConfig plugins(LocatedJson.Obj plugins) {
    Path directory =
        path(
            plugins,
            "directory",
            "plugins.directory",
            () -> defaultPath(DEFAULT_PLUGINS_DIRECTORY));
    long callTimeout =
        whole(
            plugins,
            "callTimeoutMillis",
            "plugins.callTimeoutMillis",
            "a whole number of milliseconds",
            1,
            MAX_TIMEOUT_MILLIS,
            DEFAULT_CALL_TIMEOUT_MILLIS);
    long callbackTimeout =
        whole(
            plugins,
            "callbackTimeoutMillis",
            "plugins.callbackTimeoutMillis",
            "a whole number of milliseconds",
            1,
            MAX_TIMEOUT_MILLIS,
            DEFAULT_CALLBACK_TIMEOUT_MILLIS);
    return new PluginsConfig(
        directory, callTimeout, callbackTimeout, order(plugins), settings(plugins));
  }

  private List<String> order(LocatedJson.Obj plugins) {
    LocatedJson value = plugins.get("order");
    return value == null ? DEFAULT_ORDER : pluginIds(value, "plugins.order");
  }

  /** An array of plug-in ids, each at most once: {@code plugins.order} or a publishing point's. */
  private List<String> pluginIds(LocatedJson value, String path) {
    if (!(value instanceof LocatedJson.Arr array)) {
      bad(value, path, "an array of plug-in ids such as [\"anonymous\"]");
      return List.of();
    }
    Map<String, String> firstPath = new LinkedHashMap<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(path, i);
      if (!(element instanceof LocatedJson.Str id) || !PluginId.isValid(id.value())) {
        bad(element, elementPath, PluginId.EXPECTED);
      } else if (firstPath.containsKey(id.value())) {
        // The order is a ranking: a second mention is either a mistake or a contradiction.
        problems.add(
            ConfigProblem.BAD_VALUE,
            element.pos(),
            elementPath
                + ": duplicate plug-in id "
                + id.describe()
                + ", already listed at "
                + firstPath.get(id.value())
                + "; expected each id at most once");
      } else {
        firstPath.put(id.value(), elementPath);
      }
    }
    return List.copyOf(firstPath.keySet());
  }

  private Map<String, PluginSettings> settings(LocatedJson.Obj plugins) {
    LocatedJson value = plugins.get("settings");
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof LocatedJson.Obj settings)) {
      bad(value, "plugins.settings", "an object whose keys are plug-in ids");
      return Map.of();
    }
    Map<String, PluginSettings> result = new LinkedHashMap<>();
    for (LocatedJson.Member member : settings.members().values()) {
      String path = JsonText.child("plugins.settings", member.key());
      if (!PluginId.isValid(member.key())) {
        problems.add(
            ConfigProblem.BAD_VALUE,
            member.keyPos(),
            "plugins.settings: key "
                + JsonText.quote(member.key())
                + " is not a plug-in id; expected "
                + PluginId.EXPECTED);
      }
      if (!(member.value() instanceof LocatedJson.Obj entry)) {
        bad(
            member.value(),
            path,
            "an object with the keys " + String.join(", ", PLUGIN_SETTINGS_KEYS));
        continue;
      }
      checkKeys(entry, path, PLUGIN_SETTINGS_KEYS);
      boolean enabled = bool(entry, "enabled", JsonText.child(path, "enabled"), true);
      Map<String, String> properties = properties(entry, JsonText.child(path, "properties"));
      result.put(member.key(), new PluginSettings(enabled, properties));
    }
    return result;
  }

  private Map<String, String> properties(LocatedJson.Obj entry, String path) {
    LocatedJson value = entry.get("properties");
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof LocatedJson.Obj properties)) {
      bad(value, path, "an object of named string values");
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (LocatedJson.Member member : properties.members().values()) {
      String propertyPath = JsonText.child(path, member.key());
      if (member.key().isEmpty()) {
        problems.add(
            ConfigProblem.BAD_VALUE,
            member.keyPos(),
            path + ": expected a non-empty property name, found \"\"");
      }
      LocatedJson property = member.value();
      if (property instanceof LocatedJson.Str string) {
        result.put(member.key(), string.value());
      } else if (property instanceof LocatedJson.Num || property instanceof LocatedJson.Bool) {
        // Plug-ins receive every property as a string (as WMS named values); quoting is the fix.
        problems.add(
            ConfigProblem.BAD_VALUE,
            property.pos(),
            propertyPath
                + ": expected a string, found "
                + property.describe()
                + "; property values are always strings, so quote it: "
                + JsonText.quote(property.describe()));
      } else {
        bad(property, propertyPath, "a string");
      }
    }
    return result;
  }

  private EventLogConfig eventLog(LocatedJson.Obj eventLog, Path defaultDirectory) {
    Path directory = path(eventLog, "directory", "eventLog.directory", () -> defaultDirectory);
    Long maxBytes =
        wholeOrNull(
            eventLog,
            "maxBytes",
            "eventLog.maxBytes",
            "a whole number of bytes",
            MIN_MAX_BYTES,
            Long.MAX_VALUE,
            DEFAULT_MAX_BYTES);
    Long segmentBytes =
        wholeOrNull(
            eventLog,
            "segmentBytes",
            "eventLog.segmentBytes",
            "a whole number of bytes",
            MIN_SEGMENT_BYTES,
            Long.MAX_VALUE,
            DEFAULT_SEGMENT_BYTES);
    if (maxBytes != null && segmentBytes != null && segmentBytes > maxBytes) {
      segmentLargerThanMax(eventLog, maxBytes, segmentBytes);
    }
    int retentionDays =
        (int)
            whole(
                eventLog,
                "retentionDays",
                "eventLog.retentionDays",
                "a whole number of days (0 keeps events until maxBytes is reached)",
                0,
                Integer.MAX_VALUE,
                DEFAULT_RETENTION_DAYS);
    boolean fsync = bool(eventLog, "fsync", "eventLog.fsync", false);
    int troubleshootingLimit =
        (int)
            whole(
                eventLog,
                "troubleshootingLimit",
                "eventLog.troubleshootingLimit",
                "a whole number of entries",
                1,
                MAX_TROUBLESHOOTING_LIMIT,
                DEFAULT_TROUBLESHOOTING_LIMIT);
    return new EventLogConfig(
        directory,
        maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes,
        segmentBytes == null ? DEFAULT_SEGMENT_BYTES : segmentBytes,
        retentionDays,
        fsync,
        troubleshootingLimit);
  }

  /** Reports a segment size above the log's total, at whichever of the two the file sets. */
  private void segmentLargerThanMax(LocatedJson.Obj eventLog, long maxBytes, long segmentBytes) {
    LocatedJson segment = eventLog.get("segmentBytes");
    if (segment != null) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          segment.pos(),
          "eventLog.segmentBytes: expected a whole number of bytes from "
              + MIN_SEGMENT_BYTES
              + " to eventLog.maxBytes ("
              + maxBytes
              + "), found "
              + segment.describe());
    } else {
      // Only maxBytes is set, below the default segment size: say which one to change.
      LocatedJson max = eventLog.get("maxBytes");
      problems.add(
          ConfigProblem.BAD_VALUE,
          max.pos(),
          "eventLog.maxBytes: expected at least the default eventLog.segmentBytes ("
              + segmentBytes
              + "), found "
              + max.describe()
              + "; raise it or set eventLog.segmentBytes to at most "
              + maxBytes);
    }
  }

  private AdminConfig admin(LocatedJson.Obj admin) {
    long port =
        whole(
            admin,
            "port",
            "admin.port",
            "a port number (0 picks a free one)",
            0,
            65_535,
            DEFAULT_ADMIN_PORT);
    return new AdminConfig((int) port);
  }

  // ---- http ----------------------------------------------------------------------------------

  private HttpConfig http(LocatedJson.Obj http) {
    LocatedJson bindValue = http.get("bindAddress");
    String bindAddress = DEFAULT_BIND_ADDRESS;
    InetAddress bind = IpLiterals.address(DEFAULT_BIND_ADDRESS);
    if (bindValue != null) {
      InetAddress parsed =
          bindValue instanceof LocatedJson.Str string ? IpLiterals.address(string.value()) : null;
      if (parsed == null) {
        bad(
            bindValue,
            "http.bindAddress",
            "an IP address literal such as \"127.0.0.1\", \"0.0.0.0\" or \"::1\" (host names are"
                + " not looked up)");
      } else {
        bindAddress = ((LocatedJson.Str) bindValue).value();
      }
      bind = parsed;
    }
    Long port =
        wholeOrNull(
            http,
            "port",
            "http.port",
            "a port number (0 picks a free one, -1 means no plain HTTP listener)",
            -1,
            65_535,
            DEFAULT_HTTP_PORT);
    Boolean allowPlainHttp = boolOrNull(http, "allowPlainHttp", "http.allowPlainHttp", false);
    TlsConfig tls = tls(http.get("tls"));
    int maxInitialLineBytes =
        (int)
            whole(
                http,
                "maxInitialLineBytes",
                "http.maxInitialLineBytes",
                "a whole number of bytes",
                256,
                65_536,
                DEFAULT_MAX_INITIAL_LINE_BYTES);
    int maxHeaderBytes =
        (int)
            whole(
                http,
                "maxHeaderBytes",
                "http.maxHeaderBytes",
                "a whole number of bytes",
                1024,
                1_048_576,
                DEFAULT_MAX_HEADER_BYTES);
    int maxHeaders =
        (int)
            whole(
                http,
                "maxHeaders",
                "http.maxHeaders",
                "a whole number of header fields",
                1,
                10_000,
                DEFAULT_MAX_HEADERS);
    long idleTimeout =
        whole(
            http,
            "idleTimeoutMillis",
            "http.idleTimeoutMillis",
            "a whole number of milliseconds",
            1,
            86_400_000,
            DEFAULT_IDLE_TIMEOUT_MILLIS);
    long handshakeTimeout =
        whole(
            http,
            "handshakeTimeoutMillis",
            "http.handshakeTimeoutMillis",
            "a whole number of milliseconds",
            1,
            MAX_TIMEOUT_MILLIS,
            DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    int maxConnections =
        (int)
            whole(
                http,
                "maxConnections",
                "http.maxConnections",
                "a whole number of connections",
                1,
                1_000_000,
                DEFAULT_MAX_CONNECTIONS);
    // Only values that were accepted are cross-checked: one mistake, one problem.
    if (bind != null
        && port != null
        && port != -1
        && allowPlainHttp != null
        && !allowPlainHttp
        && !bind.isLoopbackAddress()) {
      // bindAddress is set (the default is loopback); the port may be the default.
      LocatedJson at = http.get("port") != null ? http.get("port") : bindValue;
      problems.add(ConfigProblem.BAD_VALUE, at.pos(), "http.port: " + PLAIN_HTTP_IN_CLEAR);
    }
    return new HttpConfig(
        bindAddress,
        port == null ? DEFAULT_HTTP_PORT : port.intValue(),
        allowPlainHttp != null && allowPlainHttp,
        tls,
        maxInitialLineBytes,
        maxHeaderBytes,
        maxHeaders,
        idleTimeout,
        handshakeTimeout,
        maxConnections);
  }

  /** {@code http.tls}: absent or {@code null} for no HTTPS listener. */
  private TlsConfig tls(LocatedJson value) {
    if (value == null || value instanceof LocatedJson.Null) {
      return null;
    }
    if (!(value instanceof LocatedJson.Obj tls)) {
      bad(value, "http.tls", "null or an object with the keys " + String.join(", ", TLS_KEYS));
      return null;
    }
    checkKeys(tls, "http.tls", TLS_KEYS);
    Path keystore = null;
    if (tls.get("keystore") == null) {
      missing(tls, "http.tls", "keystore", "the path of a PKCS#12 keystore with the server's key");
    } else {
      keystore = path(tls, "keystore", "http.tls.keystore", () -> null);
    }
    String password = null;
    LocatedJson passwordValue = tls.get("password");
    if (passwordValue == null) {
      missing(tls, "http.tls", "password", "the keystore's password, a string");
    } else if (passwordValue instanceof LocatedJson.Str string) {
      password = string.value();
    } else {
      // A password written as a number is still a password: never echo it into a log.
      problems.add(
          ConfigProblem.BAD_VALUE,
          passwordValue.pos(),
          "http.tls.password: expected a string, found " + kind(passwordValue));
    }
    long port =
        whole(
            tls,
            "port",
            "http.tls.port",
            "a port number (0 picks a free one)",
            0,
            65_535,
            DEFAULT_HTTPS_PORT);
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

  // ---- accounts ------------------------------------------------------------------------------

  private AccountsConfig accounts(LocatedJson.Obj accounts, Path defaultFile) {
    Path file = path(accounts, "file", "accounts.file", () -> defaultFile);
    return new AccountsConfig(
        file,
        digestRealms(accounts.get("digestRealms")),
        guestAccount(accounts.get("guestAccount")));
  }

  private List<String> digestRealms(LocatedJson value) {
    String path = "accounts.digestRealms";
    if (value == null) {
      return DEFAULT_DIGEST_REALMS;
    }
    String arrayExpected = "a non-empty array of realm names such as [\"AuthHost\"]";
    if (!(value instanceof LocatedJson.Arr array)) {
      bad(value, path, arrayExpected);
      return DEFAULT_DIGEST_REALMS;
    }
    if (array.elements().isEmpty()) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          value.pos(),
          path + ": expected " + arrayExpected + ", found an empty array");
      return DEFAULT_DIGEST_REALMS;
    }
    String expected =
        "a realm name of 1 to "
            + MAX_REALM_LENGTH
            + " characters (the WMS limit) without '\"', '\\' or control characters";
    Map<String, String> firstPath = new LinkedHashMap<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(path, i);
      if (!(element instanceof LocatedJson.Str string) || string.value().isEmpty()) {
        bad(element, elementPath, expected);
        continue;
      }
      String realm = string.value();
      int length = realm.codePointCount(0, realm.length());
      String found = null;
      if (length > MAX_REALM_LENGTH) {
        found = "a name of " + length + " characters";
      } else if (realm.indexOf('"') >= 0) {
        // Realms travel as quoted strings in WWW-Authenticate; these would end or escape them.
        found = string.describe() + ", which contains '\"'";
      } else if (realm.indexOf('\\') >= 0) {
        found = string.describe() + ", which contains '\\'";
      } else if (realm.chars().anyMatch(Character::isISOControl)) {
        found = string.describe() + ", which contains control characters";
      }
      if (found != null) {
        problems.add(
            ConfigProblem.BAD_VALUE,
            element.pos(),
            elementPath + ": expected " + expected + ", found " + found);
      } else if (firstPath.containsKey(realm)) {
        problems.add(
            ConfigProblem.BAD_VALUE,
            element.pos(),
            elementPath
                + ": duplicate realm "
                + string.describe()
                + ", already listed at "
                + firstPath.get(realm)
                + "; expected each realm at most once");
      } else {
        firstPath.put(realm, elementPath);
      }
    }
    return firstPath.isEmpty() ? DEFAULT_DIGEST_REALMS : List.copyOf(firstPath.keySet());
  }

  private String guestAccount(LocatedJson value) {
    if (value == null) {
      return DEFAULT_GUEST_ACCOUNT;
    }
    String path = "accounts.guestAccount";
    String expected =
        "an account name of 1 to "
            + MAX_ACCOUNT_NAME_LENGTH
            + " characters without '\\', '/', '@', ':' or control characters";
    if (!(value instanceof LocatedJson.Str string) || string.value().isBlank()) {
      bad(value, path, expected);
      return DEFAULT_GUEST_ACCOUNT;
    }
    String name = string.value();
    int length = name.codePointCount(0, name.length());
    String found = null;
    if (length > MAX_ACCOUNT_NAME_LENGTH) {
      found = "a name of " + length + " characters";
    } else {
      // A backslash or '@' would read as a domain (DOMAIN\name, name@domain); '/' and ':' too.
      for (char c : new char[] {'\\', '/', '@', ':'}) {
        if (name.indexOf(c) >= 0) {
          found = string.describe() + ", which contains '" + c + "'";
          break;
        }
      }
      if (found == null && name.chars().anyMatch(Character::isISOControl)) {
        found = string.describe() + ", which contains control characters";
      }
    }
    if (found != null) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          value.pos(),
          path + ": expected " + expected + ", found " + found);
      return DEFAULT_GUEST_ACCOUNT;
    }
    return name;
  }

  // ---- security ------------------------------------------------------------------------------

  private SecurityConfig security(LocatedJson.Obj security) {
    List<String> ipAllow = ipRanges(security.get("ipAllow"), "security.ipAllow");
    List<String> ipDeny = ipRanges(security.get("ipDeny"), "security.ipDeny");
    LockoutConfig lockout = lockout(section(security, "lockout", "security.lockout", LOCKOUT_KEYS));
    return new SecurityConfig(ipAllow, ipDeny, lockout);
  }

  private LockoutConfig lockout(LocatedJson.Obj lockout) {
    int threshold =
        (int)
            whole(
                lockout,
                "threshold",
                "security.lockout.threshold",
                "a whole number of failed logons (0 turns lockout off)",
                0,
                1_000,
                DEFAULT_LOCKOUT_THRESHOLD);
    int addressThreshold =
        (int)
            whole(
                lockout,
                "addressThreshold",
                "security.lockout.addressThreshold",
                "a whole number of failed logons from one address (0 turns address lockout off)",
                0,
                100_000,
                DEFAULT_LOCKOUT_ADDRESS_THRESHOLD);
    long window =
        whole(
            lockout,
            "windowSeconds",
            "security.lockout.windowSeconds",
            "a whole number of seconds",
            1,
            86_400,
            DEFAULT_LOCKOUT_WINDOW_SECONDS);
    long duration =
        whole(
            lockout,
            "durationSeconds",
            "security.lockout.durationSeconds",
            "a whole number of seconds",
            1,
            604_800,
            DEFAULT_LOCKOUT_DURATION_SECONDS);
    return new LockoutConfig(threshold, addressThreshold, window, duration);
  }

  /** An array of IP literals and CIDR ranges, kept as written once each is known to parse. */
  private List<String> ipRanges(LocatedJson value, String path) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof LocatedJson.Arr array)) {
      bad(value, path, "an array of IP addresses or CIDR ranges such as [\"10.0.0.0/8\", \"::1\"]");
      return List.of();
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(path, i);
      if (!(element instanceof LocatedJson.Str string)) {
        bad(element, elementPath, IP_RANGE_EXPECTED);
        continue;
      }
      String error = IpLiterals.rangeError(string.value());
      if (error != null) {
        problems.add(
            ConfigProblem.BAD_VALUE,
            element.pos(),
            elementPath
                + ": expected "
                + IP_RANGE_EXPECTED
                + " (host names are not looked up), found "
                + string.describe()
                + ", "
                + error);
        continue;
      }
      result.add(string.value());
    }
    return result;
  }

  // ---- publishingPoints ----------------------------------------------------------------------

  /** Where a name or prefix was first used, for duplicate reports. */
  private record FirstUse(String path, LocatedJson.Pos pos) {}

  private List<PublishingPointConfig> publishingPoints(LocatedJson value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof LocatedJson.Arr array)) {
      bad(
          value,
          "publishingPoints",
          "an array of publishing points such as [{\"name\": \"vod\", \"prefix\": \"/vod/\","
              + " \"directory\": \"media\"}]");
      return List.of();
    }
    Map<String, FirstUse> names = new LinkedHashMap<>();
    Map<String, FirstUse> prefixes = new LinkedHashMap<>();
    List<PublishingPointConfig> result = new ArrayList<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String path = JsonText.element("publishingPoints", i);
      if (!(element instanceof LocatedJson.Obj point)) {
        bad(element, path, "an object with the keys " + String.join(", ", PUBLISHING_POINT_KEYS));
        continue;
      }
      checkKeys(point, path, PUBLISHING_POINT_KEYS);
      String name = publishingPointName(point, path);
      if (name != null && duplicate(point.get("name"), path, "name", name, names)) {
        name = null;
      }
      String prefix = prefix(point, path);
      if (prefix != null && duplicate(point.get("prefix"), path, "prefix", prefix, prefixes)) {
        prefix = null;
      }
      Path directory = null;
      URI origin = null;
      boolean sourceOk = source(point, path);
      if (sourceOk && point.get("directory") != null) {
        directory = path(point, "directory", JsonText.child(path, "directory"), () -> null);
        sourceOk = directory != null;
      } else if (sourceOk) {
        origin = origin(point.get("origin"), JsonText.child(path, "origin"));
        sourceOk = origin != null;
      }
      LocatedJson pluginsValue = point.get("plugins");
      List<String> plugins =
          pluginsValue == null
              ? List.of()
              : pluginIds(pluginsValue, JsonText.child(path, "plugins"));
      List<AceConfig> acl = acl(point.get("acl"), JsonText.child(path, "acl"));
      List<String> ipAllow = ipRanges(point.get("ipAllow"), JsonText.child(path, "ipAllow"));
      List<String> ipDeny = ipRanges(point.get("ipDeny"), JsonText.child(path, "ipDeny"));
      if (name != null && prefix != null && sourceOk) {
        result.add(
            new PublishingPointConfig(
                name, prefix, directory, origin, plugins, acl, ipAllow, ipDeny));
      }
    }
    return result;
  }

  /**
   * Records {@code value} as a duplicate if another publishing point already used it; true if it
   * was one.
   */
  private boolean duplicate(
      LocatedJson at, String path, String key, String value, Map<String, FirstUse> seen) {
    FirstUse first = seen.get(value);
    if (first == null) {
      seen.put(value, new FirstUse(path, at.pos()));
      return false;
    }
    problems.add(
        ConfigProblem.BAD_VALUE,
        at.pos(),
        JsonText.child(path, key)
            + ": duplicate publishing point "
            + key
            + " "
            + JsonText.quote(value)
            + ", already used by "
            + first.path()
            + " at line "
            + first.pos().line()
            + "; expected each "
            + key
            + " at most once");
    return true;
  }

  private String publishingPointName(LocatedJson.Obj point, String path) {
    LocatedJson value = point.get("name");
    if (value == null) {
      missing(point, path, "name", PUBLISHING_POINT_NAME_EXPECTED);
      return null;
    }
    if (!(value instanceof LocatedJson.Str name)
        || !PUBLISHING_POINT_NAME.matcher(name.value()).matches()) {
      bad(value, JsonText.child(path, "name"), PUBLISHING_POINT_NAME_EXPECTED);
      return null;
    }
    return name.value();
  }

  private String prefix(LocatedJson.Obj point, String path) {
    LocatedJson value = point.get("prefix");
    if (value == null) {
      missing(point, path, "prefix", PREFIX_EXPECTED);
      return null;
    }
    String prefixPath = JsonText.child(path, "prefix");
    if (!(value instanceof LocatedJson.Str string)) {
      bad(value, prefixPath, PREFIX_EXPECTED);
      return null;
    }
    String why = prefixError(string.value());
    if (why != null) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          value.pos(),
          prefixPath
              + ": expected "
              + PREFIX_EXPECTED
              + ", found "
              + string.describe()
              + ", "
              + why);
      return null;
    }
    return string.value();
  }

  /** Why {@code prefix} is not an acceptable publishing point prefix, or {@code null}. */
  static String prefixError(String prefix) {
    if (!prefix.startsWith("/")) {
      return "which does not start with '/'";
    }
    if (!prefix.endsWith("/")) {
      return "which does not end with '/'";
    }
    if (prefix.contains("//")) {
      return "which contains \"//\"";
    }
    // Requests are matched after dot segments are removed: such a prefix could never match, and
    // ".." is how a request would climb out of it.
    if (prefix.contains("..")) {
      return "which contains \"..\"";
    }
    if (prefix.contains("/./")) {
      return "which contains a \".\" segment";
    }
    if (prefix.indexOf('%') >= 0) {
      return "which contains '%' (write the characters themselves, not percent-escapes)";
    }
    if (prefix.indexOf('?') >= 0) {
      return "which contains '?' (a prefix is a path, without a query)";
    }
    if (prefix.indexOf('#') >= 0) {
      return "which contains '#' (a prefix is a path, without a fragment)";
    }
    for (int i = 0; i < prefix.length(); ) {
      int c = prefix.codePointAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || (c < 0x80 && PATH_PUNCTUATION.indexOf(c) >= 0);
      if (!allowed) {
        return "which contains "
            + JsonText.quote(new String(Character.toChars(c)))
            + ", not a URL path character";
      }
      i += Character.charCount(c);
    }
    return null;
  }

  /** Checks that exactly one of directory and origin is set; true if so. */
  private boolean source(LocatedJson.Obj point, String path) {
    LocatedJson.Member directory = point.members().get("directory");
    LocatedJson.Member origin = point.members().get("origin");
    if (directory != null && origin != null) {
      // Report at whichever of the two the file has second.
      LocatedJson.Member second =
          isBefore(directory.keyPos(), origin.keyPos()) ? origin : directory;
      problems.add(
          ConfigProblem.BAD_VALUE,
          second.keyPos(),
          path
              + ": expected exactly one of \"directory\" (a folder to serve) or \"origin\" (an"
              + " upstream http:// or https:// URI), found both");
      return false;
    }
    if (directory == null && origin == null) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          point.pos(),
          path
              + ": expected exactly one of \"directory\" (a folder to serve) or \"origin\" (an"
              + " upstream http:// or https:// URI), found neither");
      return false;
    }
    return true;
  }

  private static boolean isBefore(LocatedJson.Pos a, LocatedJson.Pos b) {
    return a.line() < b.line() || (a.line() == b.line() && a.column() < b.column());
  }

  private URI origin(LocatedJson value, String path) {
    if (!(value instanceof LocatedJson.Str string)) {
      bad(value, path, ORIGIN_EXPECTED);
      return null;
    }
    String why;
    URI uri = null;
    try {
      uri = new URI(string.value());
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        why = "which is not an http:// or https:// URI";
      } else if (uri.isOpaque() || uri.getHost() == null) {
        why = "which has no host";
      } else if (uri.getRawQuery() != null) {
        why = "which has a query";
      } else if (uri.getRawFragment() != null) {
        why = "which has a fragment";
      } else {
        why = null;
      }
    } catch (URISyntaxException e) {
      why = "which is not a valid URI (" + e.getReason() + ")";
    }
    if (why != null) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          value.pos(),
          path + ": expected " + ORIGIN_EXPECTED + ", found " + string.describe() + ", " + why);
      return null;
    }
    return uri;
  }

  private List<AceConfig> acl(LocatedJson value, String path) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof LocatedJson.Arr array)) {
      bad(
          value,
          path,
          "an array of access-control entries such as [{\"type\": \"allow\", \"principal\":"
              + " \"Everyone\", \"rights\": [\"read\"]}]");
      return List.of();
    }
    List<AceConfig> result = new ArrayList<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String acePath = JsonText.element(path, i);
      if (!(element instanceof LocatedJson.Obj ace)) {
        bad(element, acePath, "an object with the keys " + String.join(", ", ACE_KEYS));
        continue;
      }
      checkKeys(ace, acePath, ACE_KEYS);
      boolean ok = true;
      boolean deny = false;
      LocatedJson type = ace.get("type");
      if (type != null) {
        if (type instanceof LocatedJson.Str string
            && (string.value().equals("allow") || string.value().equals("deny"))) {
          deny = string.value().equals("deny");
        } else {
          bad(type, JsonText.child(acePath, "type"), "\"allow\" or \"deny\"");
          ok = false;
        }
      }
      String principalExpected =
          "a principal: a SID such as \"S-1-1-0\", a well-known name such as \"Everyone\", or a"
              + " local account or group name";
      LocatedJson principalValue = ace.get("principal");
      String principal = null;
      if (principalValue == null) {
        missing(ace, acePath, "principal", principalExpected);
      } else if (principalValue instanceof LocatedJson.Str string
          && !string.value().isBlank()
          && string.value().chars().noneMatch(Character::isISOControl)) {
        principal = string.value();
      } else {
        bad(principalValue, JsonText.child(acePath, "principal"), principalExpected);
      }
      Set<String> rights = rights(ace, acePath);
      if (ok && principal != null && rights != null) {
        result.add(new AceConfig(deny, principal, rights));
      }
    }
    return result;
  }

  /** An entry's rights, lower-cased; {@code null} after recording why they are not acceptable. */
  private Set<String> rights(LocatedJson.Obj ace, String acePath) {
    String arrayExpected = "a non-empty array of rights such as [\"read\"]";
    String rightExpected = "one of \"read\", \"write\", \"create\"";
    LocatedJson value = ace.get("rights");
    if (value == null) {
      missing(ace, acePath, "rights", arrayExpected);
      return null;
    }
    String path = JsonText.child(acePath, "rights");
    if (!(value instanceof LocatedJson.Arr array)) {
      bad(value, path, arrayExpected);
      return null;
    }
    if (array.elements().isEmpty()) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          value.pos(),
          path + ": expected " + arrayExpected + ", found an empty array");
      return null;
    }
    Map<String, String> firstPath = new LinkedHashMap<>();
    boolean ok = true;
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(path, i);
      String right =
          element instanceof LocatedJson.Str string
              ? string.value().toLowerCase(Locale.ROOT)
              : null;
      if (right == null || !RIGHTS.contains(right)) {
        bad(element, elementPath, rightExpected);
        ok = false;
      } else if (firstPath.containsKey(right)) {
        problems.add(
            ConfigProblem.BAD_VALUE,
            element.pos(),
            elementPath
                + ": duplicate right "
                + element.describe()
                + ", already listed at "
                + firstPath.get(right)
                + "; expected each right at most once");
        ok = false;
      } else {
        firstPath.put(right, elementPath);
      }
    }
    return ok ? new LinkedHashSet<>(firstPath.keySet()) : null;
  }

  /** Records that a required key is not in {@code object} (at {@code path}). */
  private void missing(LocatedJson.Obj object, String path, String key, String expected) {
    problems.add(
        ConfigProblem.BAD_VALUE,
        object.pos(),
        path + ": missing required key " + JsonText.quote(key) + "; expected " + expected);
  }

  private String serverName(LocatedJson.Obj top) {
    LocatedJson value = top.get("serverName");
    if (value == null) {
      return localHostName();
    }
    String expected = "a non-blank name of at most " + MAX_SERVER_NAME_LENGTH + " characters";
    if (!(value instanceof LocatedJson.Str string)) {
      bad(value, "serverName", expected);
      return localHostName();
    }
    String name = string.value();
    String found = null;
    if (name.isBlank()) {
      found = string.describe();
    } else if (name.codePointCount(0, name.length()) > MAX_SERVER_NAME_LENGTH) {
      found = "a name of " + name.codePointCount(0, name.length()) + " characters";
    } else if (name.chars().anyMatch(Character::isISOControl)) {
      // It is handed to plug-ins as WMS_SERVER_NAME and written to logs, where these would garble.
      found = string.describe() + ", which contains control characters";
    }
    if (found != null) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          value.pos(),
          "serverName: expected " + expected + ", found " + found);
      return localHostName();
    }
    return name;
  }

  /**
   * The machine's name as {@code WMS_SERVER_NAME} would be: its first DNS label, cut to the allowed
   * length. Host name lookup can fail on a badly set up machine; the default must not.
   */
  static String localHostName() {
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | SecurityException e) {
      name = System.getenv().getOrDefault("COMPUTERNAME", System.getenv("HOSTNAME"));
    }
    if (name == null || name.isBlank()) {
      return "localhost";
    }
    name = name.strip();
    int dot = name.indexOf('.');
    // An IP address (what getHostName gives when there is no name) is kept whole.
    if (dot > 0 && !name.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
      name = name.substring(0, dot);
    }
    return name.length() <= MAX_SERVER_NAME_LENGTH
        ? name
        : name.substring(0, MAX_SERVER_NAME_LENGTH);
  }

  // ---- Shared checks ------------------------------------------------------------------------

  /**
   * The object under {@code key} with its keys checked; {@link LocatedJson.Obj#EMPTY} otherwise.
   */
  private LocatedJson.Obj section(LocatedJson.Obj parent, String key, List<String> allowed) {
    return section(parent, key, key, allowed);
  }

  /** As above, for a section nested at {@code path}. */
  private LocatedJson.Obj section(
      LocatedJson.Obj parent, String key, String path, List<String> allowed) {
    LocatedJson value = parent.get(key);
    if (value == null) {
      return LocatedJson.Obj.EMPTY;
    }
    if (!(value instanceof LocatedJson.Obj section)) {
      bad(value, path, "an object with the keys " + String.join(", ", allowed));
      return LocatedJson.Obj.EMPTY;
    }
    checkKeys(section, path, allowed);
    return section;
  }

  private void checkKeys(LocatedJson.Obj object, String path, List<String> allowed) {
    for (LocatedJson.Member member : object.members().values()) {
      if (allowed.contains(member.key())) {
        continue;
      }
      String suggestion = suggest(member.key(), allowed);
      problems.add(
          ConfigProblem.UNKNOWN_KEY,
          member.keyPos(),
          "unknown key "
              + JsonText.quote(member.key())
              + " "
              + JsonText.where(path)
              + "; expected one of: "
              + String.join(", ", allowed)
              + (suggestion == null ? "" : " (did you mean \"" + suggestion + "\"?)"));
    }
  }

  /** The allowed key {@code key} is most likely a misspelling of, if any is close enough. */
  private static String suggest(String key, List<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : allowed) {
      int distance =
          candidate.equalsIgnoreCase(key)
              ? 0
              : editDistance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    // Two edits catch most typos; short keys would otherwise "resemble" everything.
    int limit = Math.min(2, key.length() / 3);
    return bestDistance <= limit ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /**
   * A whole number in {@code min..max}; {@code dflt} if absent or (after recording why) invalid.
   */
  private long whole(
      LocatedJson.Obj object, String key, String path, String noun, long min, long max, long dflt) {
    Long value = wholeOrNull(object, key, path, noun, min, max, dflt);
    return value == null ? dflt : value;
  }

  /**
   * A whole number in {@code min..max}: {@code absent} if the key is not there, {@code null} (after
   * recording why) if it is not acceptable, so that cross-checks can skip values already refused.
   * Numbers are compared as {@link BigDecimal}, so {@code 1e30} is too large, not an overflow.
   */
  private Long wholeOrNull(
      LocatedJson.Obj object,
      String key,
      String path,
      String noun,
      long min,
      long max,
      long absent) {
    LocatedJson value = object.get(key);
    if (value == null) {
      return absent;
    }
    // Long.MAX_VALUE and Integer.MAX_VALUE are the type's limit, not a real bound: say ">= min".
    boolean open = max == Long.MAX_VALUE || max == Integer.MAX_VALUE;
    String expected = noun + (open ? " >= " + min : " from " + min + " to " + max);
    if (!(value instanceof LocatedJson.Num number) || !isWhole(number.value())) {
      bad(value, path, expected);
      return null;
    }
    BigDecimal n = number.value();
    if (n.compareTo(BigDecimal.valueOf(min)) < 0) {
      bad(value, path, expected);
      return null;
    }
    if (n.compareTo(BigDecimal.valueOf(max)) > 0) {
      bad(value, path, open ? expected + " and <= " + max : expected);
      return null;
    }
    return n.longValueExact();
  }

  private static boolean isWhole(BigDecimal n) {
    return n.signum() == 0 || n.stripTrailingZeros().scale() <= 0;
  }

  private boolean bool(LocatedJson.Obj object, String key, String path, boolean absent) {
    Boolean value = boolOrNull(object, key, path, absent);
    return value == null ? absent : value;
  }

  /**
   * {@code absent} if the key is not there, {@code null} (after recording why) if not a boolean.
   */
  private Boolean boolOrNull(LocatedJson.Obj object, String key, String path, boolean absent) {
    LocatedJson value = object.get(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof LocatedJson.Bool bool) {
      return bool.value();
    }
    bad(value, path, "true or false");
    return null;
  }

  /**
   * A path value: placeholders expanded, then resolved against the configuration folder, absolute
   * and normalized. Invalid values fall back to the default after recording the problem.
   */
  private Path path(LocatedJson.Obj object, String key, String path, Supplier<Path> absent) {
    LocatedJson value = object.get(key);
    if (value == null) {
      return absent.get();
    }
    if (!(value instanceof LocatedJson.Str string) || string.value().isEmpty()) {
      bad(
          value,
          path,
          "a non-empty path (relative paths resolve against the configuration folder)");
      return absent.get();
    }
    Placeholders.Expansion expansion = placeholders.expand(string.value());
    if (!expansion.ok()) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          value.pos(),
          path + ": " + expansion.error() + ", found " + string.describe());
      return absent.get();
    }
    try {
      return resolve(expansion.value());
    } catch (InvalidPathException e) {
      problems.add(
          ConfigProblem.BAD_VALUE,
          value.pos(),
          path
              + ": expected a valid path, found "
              + string.describe()
              + " ("
              + e.getReason()
              + ")");
      return absent.get();
    }
  }

  private Path defaultPath(String raw) {
    Placeholders.Expansion expansion = placeholders.expand(raw);
    if (!expansion.ok()) {
      throw new IllegalStateException("built-in default " + raw + ": " + expansion.error());
    }
    return resolve(expansion.value());
  }

  private Path resolve(String expanded) {
    return configDirectory.resolve(Path.of(expanded)).toAbsolutePath().normalize();
  }

  private void bad(LocatedJson value, String path, String expected) {
    String found =
        value instanceof LocatedJson.Null
            ? "null (leave the key out to use the default)"
            : value.describe();
    problems.add(
        ConfigProblem.BAD_VALUE, value.pos(), path + ": expected " + expected + ", found " + found);
  }
}
