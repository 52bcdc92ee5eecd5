package org.authhost.host.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code publishingPoints}: what is served, by URL prefix. One instance binds one list, since names
 * and prefixes must be unique across its elements.
 */
final class PublishingPointSection {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final String NAME_EXPECTED =
      "a publishing point name (a lowercase letter or digit, then up to 63 lowercase letters,"
          + " digits, '.', '_' or '-')";
  private static final String PREFIX_EXPECTED =
      "a URL path prefix that starts and ends with '/', such as \"/vod/\" (RFC 3986 path"
          + " characters only; no \"..\", \"//\", '%', '?' or '#')";
  private static final String ORIGIN_EXPECTED =
      "an absolute http://, https:// or rtsp:// URI with a host and no query or fragment, such as"
          + " \"https://origin.example/media/\" or \"rtsp://camera.example:554/\" (an"
          + " rtsp:// origin may carry the origin's user:password@)";
  // Characters RFC 3986 allows in a path: unreserved, sub-delims, ':', '@' and '/'.
  private static final String PATH_PUNCTUATION = "-._~!$&'()*+,;=:@/";

  /** Where a name or prefix was first used, for duplicate reports. */
  private record FirstUse(String path, LocatedJson.Pos pos) {}

  private final Map<String, FirstUse> names = new LinkedHashMap<>();
  private final Map<String, FirstUse> prefixes = new LinkedHashMap<>();

  private PublishingPointSection() {}

  /** The list under {@code key} of {@code parent}; empty if absent. */
  static List<PublishingPointConfig> bindAll(ConfigSection parent, String key) {
    return parent.sections(
        key,
        "an array of publishing points such as [{\"name\": \"vod\", \"prefix\": \"/vod/\","
            + " \"directory\": \"media\"}]",
        new PublishingPointSection()::bind);
  }

  /** One point, or {@code null} when it cannot be served as written. */
  private PublishingPointConfig bind(ConfigSection point) {
    String name = name(point);
    if (name != null && duplicate(point, "name", name, names)) {
      name = null;
    }
    String prefix = prefix(point);
    if (prefix != null && duplicate(point, "prefix", prefix, prefixes)) {
      prefix = null;
    }
    Path directory = null;
    URI origin = null;
    boolean sourceOk = source(point);
    if (sourceOk && point.value("directory") != null) {
      directory = point.filePath("directory", null);
      sourceOk = directory != null;
    } else if (sourceOk && point.value("origin") != null) {
      origin = origin(point);
      sourceOk = origin != null;
    }
    List<String> plugins = PluginsSection.ids(point, "plugins");
    List<AceConfig> acl =
        point.sections(
            "acl",
            "an array of access-control entries such as [{\"type\": \"allow\", \"principal\":"
                + " \"Everyone\", \"rights\": [\"read\"]}]",
            AceSection::bind);
    List<String> ipAllow = IpRanges.bind(point, "ipAllow");
    List<String> ipDeny = IpRanges.bind(point, "ipDeny");
    if (name == null || prefix == null || !sourceOk) {
      return null;
    }
    return new PublishingPointConfig(
        name, prefix, directory, origin, plugins, acl, ipAllow, ipDeny);
  }

  /**
   * Records the value under {@code key} as a duplicate if another publishing point already used it;
   * true if it was one.
   */
  private static boolean duplicate(
      ConfigSection point, String key, String value, Map<String, FirstUse> seen) {
    LocatedJson at = point.value(key);
    FirstUse first = seen.get(value);
    if (first == null) {
      seen.put(value, new FirstUse(point.path(), at.pos()));
      return false;
    }
    point.problemAt(
        key,
        "duplicate publishing point "
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

  private static String name(ConfigSection point) {
    LocatedJson value = point.required("name", NAME_EXPECTED);
    if (value == null) {
      return null;
    }
    if (!(value instanceof LocatedJson.Str name) || !NAME.matcher(name.value()).matches()) {
      point.bad("name", NAME_EXPECTED);
      return null;
    }
    return name.value();
  }

  private static String prefix(ConfigSection point) {
    LocatedJson value = point.required("prefix", PREFIX_EXPECTED);
    if (value == null) {
      return null;
    }
    String prefixPath = point.pathOf("prefix");
    if (!(value instanceof LocatedJson.Str string)) {
      point.bad(value, prefixPath, PREFIX_EXPECTED);
      return null;
    }
    String why = prefixError(string.value());
    if (why != null) {
      point.problem(
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
  private static String prefixError(String prefix) {
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

  /**
   * Checks that at most one of directory and origin is set; true if so. A point with neither only
   * scopes authentication (a streaming server's streams, see {@code integrations}): its content is
   * 404 to an HTTP client that gets past its ACL.
   */
  private static boolean source(ConfigSection point) {
    LocatedJson.Member directory = point.member("directory");
    LocatedJson.Member origin = point.member("origin");
    String expected =
        ": expected at most one of \"directory\" (a folder to serve) or \"origin\" (an"
            + " upstream http:// or https:// URI), found ";
    if (directory != null && origin != null) {
      // Report at whichever of the two the file has second.
      LocatedJson.Member second =
          isBefore(directory.keyPos(), origin.keyPos()) ? origin : directory;
      point.problem(second.keyPos(), point.path() + expected + "both");
      return false;
    }
    return true;
  }

  private static boolean isBefore(LocatedJson.Pos a, LocatedJson.Pos b) {
    return a.line() < b.line() || (a.line() == b.line() && a.column() < b.column());
  }

  private static URI origin(ConfigSection point) {
    LocatedJson value = point.value("origin");
    String path = point.pathOf("origin");
    if (!(value instanceof LocatedJson.Str string)) {
      point.bad(value, path, ORIGIN_EXPECTED);
      return null;
    }
    String why;
    URI uri = null;
    try {
      uri = new URI(string.value());
      String scheme = uri.getScheme();
      boolean rtsp = scheme != null && scheme.equalsIgnoreCase("rtsp");
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https") || rtsp)) {
        why = "which is not an http://, https:// or rtsp:// URI";
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
      point.problem(
          value.pos(),
          path + ": expected " + ORIGIN_EXPECTED + ", found " + string.describe() + ", " + why);
      return null;
    }
    return uri;
  }
}
