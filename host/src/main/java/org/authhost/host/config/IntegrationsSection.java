package org.authhost.host.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code integrations}: the endpoints streaming servers call (see {@link IntegrationsConfig}). The
 * publishing points are bound first: an endpoint names them.
 */
final class IntegrationsSection {
  static final long DEFAULT_SUCCESS_AUDIT_SECONDS = 300;

  private static final String PATH_EXPECTED =
      "an exact request path such as \"/.authhost/nginx\" (starts with '/', URL path characters"
          + " only; no \"..\", \"//\", '%', '?' or '#')";
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
  private static final String HEADER_EXPECTED = "an HTTP header name such as \"X-AuthHost-User\"";
  private static final String SCHEME_EXPECTED = "an authentication scheme such as \"Bearer\"";
  private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
  private static final String PARAM_EXPECTED =
      "a query parameter name (letters, digits, '.', '_', '~' or '-')";

  private static final String CALLERS_EXPECTED =
      "a non-empty array of the streaming server's IP addresses or CIDR ranges such as"
          + " [\"127.0.0.1\", \"::1\"]";

  private final Map<String, PublishingPointConfig> points = new LinkedHashMap<>();
  private final Map<String, String> paths = new HashMap<>();

  private IntegrationsSection(List<PublishingPointConfig> points) {
    points.forEach(p -> this.points.put(p.name(), p));
  }

  static IntegrationsConfig bind(ConfigSection section, List<PublishingPointConfig> points) {
    return new IntegrationsSection(points).bind(section);
  }

  private IntegrationsConfig bind(ConfigSection section) {
    long successAudit =
        section.whole(
            "successAuditSeconds",
            "a whole number of seconds (0 audits every successful check)",
            0,
            86_400,
            DEFAULT_SUCCESS_AUDIT_SECONDS);
    NginxAuthRequestConfig nginx = section.nullableSection("nginxAuthRequest", this::nginx);
    StreamHookConfig rtmp =
        section.nullableSection("nginxRtmp", s -> streamHook(s, "/.authhost/nginx-rtmp"));
    MediaMtxConfig mediamtx = section.nullableSection("mediamtx", this::mediamtx);
    StreamHookConfig srs = section.nullableSection("srs", s -> streamHook(s, "/.authhost/srs"));
    return new IntegrationsConfig(successAudit, nginx, rtmp, mediamtx, srs);
  }

  private NginxAuthRequestConfig nginx(ConfigSection s) {
    String path = path(s, "/.authhost/nginx");
    List<String> names = List.of();
    LocatedJson.Arr array =
        s.array("points", "a non-empty array of publishing point names such as [\"hls\"]");
    if (array == null && s.value("points") == null) {
      s.problem(
          s.pos(),
          s.path()
              + ": missing required key \"points\"; expected the publishing points nginx asks"
              + " about, such as [\"hls\"]");
    } else if (array != null) {
      names = new ArrayList<>();
      if (array.elements().isEmpty()) {
        s.bad("points", "a non-empty array of publishing point names such as [\"hls\"]");
      }
      for (int i = 0; i < array.elements().size(); i++) {
        LocatedJson element = array.elements().get(i);
        String at = JsonText.element(s.pathOf("points"), i);
        if (!(element instanceof LocatedJson.Str name)) {
          s.bad(element, at, "a publishing point name");
          continue;
        }
        PublishingPointConfig point = points.get(name.value());
        if (point == null) {
          s.problem(
              element.pos(),
              at
                  + ": expected the name of a publishing point, "
                  + JsonText.choices(List.copyOf(points.keySet()))
                  + ", found "
                  + name.describe());
        } else if (point.plugins().isEmpty()) {
          // The server's list can change under it; this endpoint must know, at start, that no
          // plug-in needing two legs on one connection is offered there (NTLM).
          s.problem(
              element.pos(),
              at
                  + ": publishing point "
                  + JsonText.quote(point.name())
                  + " has no \"plugins\" list of its own; expected one, because nginx"
                  + " auth_request can use only plug-ins that finish in one request (give the"
                  + " point \"plugins\": [\"basic\", \"digest\"], say)");
        } else {
          names.add(name.value());
        }
      }
    }
    String header = text(s, "identityHeader", "X-AuthHost-User", TOKEN, HEADER_EXPECTED);
    return new NginxAuthRequestConfig(path, names, header, callers(s));
  }

  private StreamHookConfig streamHook(ConfigSection s, String defaultPath) {
    String path = path(s, defaultPath);
    String prefix = streamPrefix(s);
    boolean checkConnect = s.bool("checkConnect", false);
    String user = text(s, "userParam", "user", PARAM, PARAM_EXPECTED);
    String password = text(s, "passwordParam", "pass", PARAM, PARAM_EXPECTED);
    Map<String, String> schemes = new LinkedHashMap<>();
    ConfigSection map =
        s.map(
            "schemeParams",
            "an object from query parameter to scheme such as {\"key\": \"ApiKey\"}");
    if (map == null && s.value("schemeParams") == null) {
      schemes.put("key", "ApiKey");
      schemes.put("token", "Bearer");
    } else if (map != null) {
      for (LocatedJson.Member m : map.members()) {
        String at = map.pathOf(m.key());
        if (!PARAM.matcher(m.key()).matches()) {
          map.problem(m.keyPos(), at + ": expected the key to be " + PARAM_EXPECTED);
        } else if (!(m.value() instanceof LocatedJson.Str scheme)
            || !TOKEN.matcher(scheme.value()).matches()) {
          map.bad(m.value(), at, SCHEME_EXPECTED);
        } else if (m.key().equals(user) || m.key().equals(password)) {
          map.problem(
              m.keyPos(),
              at + ": the parameter is already the user or password parameter; expected another");
        } else {
          schemes.put(m.key(), scheme.value());
        }
      }
    }
    return new StreamHookConfig(path, prefix, checkConnect, user, password, schemes, callers(s));
  }

  private MediaMtxConfig mediamtx(ConfigSection s) {
    String path = path(s, "/.authhost/mediamtx");
    String prefix = streamPrefix(s);
    String admin = null;
    LocatedJson value = s.value("adminPoint");
    if (value != null && !(value instanceof LocatedJson.Null)) {
      if (value instanceof LocatedJson.Str name && points.containsKey(name.value())) {
        admin = name.value();
      } else {
        s.bad(
            "adminPoint",
            "null (refuse api, metrics and pprof) or the name of a publishing point, "
                + JsonText.choices(List.copyOf(points.keySet())));
      }
    }
    String scheme = text(s, "tokenScheme", "Bearer", TOKEN, SCHEME_EXPECTED);
    return new MediaMtxConfig(path, prefix, admin, scheme, callers(s));
  }

  /**
   * The addresses the endpoint's streaming server calls from: its own list, not {@code
   * security.trustedProxies}, whose members may relay anyone's requests; loopback when absent.
   */
  private static List<String> callers(ConfigSection s) {
    if (s.value("callers") == null) {
      return IntegrationsConfig.LOOPBACK;
    }
    if (s.value("callers") instanceof LocatedJson.Arr array && array.elements().isEmpty()) {
      // No caller at all would make the endpoint refuse every call: surely a mistake.
      s.bad("callers", CALLERS_EXPECTED);
      return List.of();
    }
    return IpRanges.bind(s, "callers");
  }

  /** The endpoint's path: valid, and no other endpoint's. */
  private String path(ConfigSection s, String absent) {
    LocatedJson value = s.value("path");
    String path = absent;
    if (value != null) {
      if (!(value instanceof LocatedJson.Str string) || !isPath(string.value())) {
        s.bad("path", PATH_EXPECTED);
        return absent;
      }
      path = string.value();
    }
    String other = paths.putIfAbsent(path, s.path());
    if (other != null) {
      s.problem(
          value == null ? s.pos() : value.pos(),
          s.pathOf("path")
              + ": "
              + JsonText.quote(path)
              + " is already the path of "
              + other
              + "; expected a path of its own");
    }
    return path;
  }

  private static String streamPrefix(ConfigSection s) {
    LocatedJson value = s.value("streamPrefix");
    if (value == null) {
      return "/";
    }
    if (!(value instanceof LocatedJson.Str string)
        || !string.value().endsWith("/")
        || !isPath(string.value())) {
      s.bad(
          "streamPrefix",
          "a path that starts and ends with '/' such as \"/\" or \"/live/\", put before the"
              + " stream's name to find its publishing point");
      return "/";
    }
    return string.value();
  }

  private static String text(
      ConfigSection s, String key, String absent, Pattern valid, String expected) {
    LocatedJson value = s.value(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof LocatedJson.Str string && valid.matcher(string.value()).matches()) {
      return string.value();
    }
    s.bad(key, expected);
    return absent;
  }

  private static boolean isPath(String p) {
    if (!p.startsWith("/") || p.contains("//") || p.contains("..") || p.length() > 256) {
      return false;
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
