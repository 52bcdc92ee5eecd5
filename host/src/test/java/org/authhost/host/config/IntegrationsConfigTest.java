package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code integrations}: defaults, the contract's example, and each mistake at its line:column. */
class IntegrationsConfigTest {
  @TempDir Path dir;

  private static final String POINTS =
      """
        "publishingPoints": [
          { "name": "hls", "prefix": "/hls/", "plugins": ["basic"] },
          { "name": "open", "prefix": "/open/", "directory": "m" },
          { "name": "admin", "prefix": "/admin/", "plugins": ["basic"] }
        ],
      """;

  @Test
  void offByDefault() throws Exception {
    IntegrationsConfig integrations = load("{}").integrations();
    assertFalse(integrations.any());
    assertEquals(300, integrations.successAuditSeconds());
    assertNull(integrations.nginxAuthRequest());
    assertNull(integrations.srs());
  }

  @Test
  void theContractsExampleReadsAsWritten() throws Exception {
    IntegrationsConfig i =
        load("{"
                + POINTS
                + """
                      "integrations": {
                        "successAuditSeconds": 60,
                        "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["hls"],
                          "identityHeader": "X-AuthHost-User" },
                        "nginxRtmp": { "path": "/.authhost/nginx-rtmp", "streamPrefix": "/",
                          "checkConnect": false, "userParam": "user", "passwordParam": "pass",
                          "schemeParams": { "key": "ApiKey", "token": "Bearer" } },
                        "mediamtx": { "path": "/.authhost/mediamtx", "streamPrefix": "/",
                          "adminPoint": null, "tokenScheme": "Bearer" },
                        "srs": { "path": "/.authhost/srs", "streamPrefix": "/live-srs/",
                          "userParam": "u", "passwordParam": "p", "schemeParams": { "k": "ApiKey" } }
                      }
                    }
                    """)
            .integrations();
    assertEquals(60, i.successAuditSeconds());
    assertEquals(
        new NginxAuthRequestConfig("/.authhost/nginx", List.of("hls"), "X-AuthHost-User"),
        i.nginxAuthRequest());
    assertEquals(
        new StreamHookConfig(
            "/.authhost/nginx-rtmp",
            "/",
            false,
            "user",
            "pass",
            Map.of("key", "ApiKey", "token", "Bearer")),
        i.nginxRtmp());
    assertEquals(new MediaMtxConfig("/.authhost/mediamtx", "/", null, "Bearer"), i.mediamtx());
    assertEquals(
        new StreamHookConfig(
            "/.authhost/srs", "/live-srs/", false, "u", "p", Map.of("k", "ApiKey")),
        i.srs());
  }

  @Test
  void theDefaultsOfAnEmptyEndpoint() throws Exception {
    IntegrationsConfig i =
        load("{" + POINTS + "\"integrations\": { \"nginxRtmp\": {}, \"mediamtx\": {} } }")
            .integrations();
    assertEquals(
        new StreamHookConfig(
            "/.authhost/nginx-rtmp",
            "/",
            false,
            "user",
            "pass",
            Map.of("key", "ApiKey", "token", "Bearer")),
        i.nginxRtmp());
    assertEquals(new MediaMtxConfig("/.authhost/mediamtx", "/", null, "Bearer"), i.mediamtx());
  }

  @Test
  void callersAreEachEndpointsOwnAndLoopbackByDefault() throws Exception {
    IntegrationsConfig i =
        load("{"
                + POINTS
                + """
                      "integrations": {
                        "nginxAuthRequest": { "points": ["hls"], "callers": ["10.1.2.3"] },
                        "srs": { "callers": ["192.0.2.0/24", "::1"] },
                        "mediamtx": {}
                      }
                    }
                    """)
            .integrations();
    assertEquals(List.of("10.1.2.3"), i.nginxAuthRequest().callers());
    assertEquals(List.of("192.0.2.0/24", "::1"), i.srs().callers());
    assertEquals(List.of("127.0.0.0/8", "::1"), i.mediamtx().callers());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                load(
                    "{"
                        + POINTS
                        + """
                          "integrations": {
                            "nginxRtmp": { "callers": ["nginx.local"] },
                            "srs": { "callers": [] }
                          }
                        }
                        """));
    List<String> rendered = e.problems().stream().map(ConfigProblem::render).toList();
    assertEquals(2, rendered.size(), rendered.toString());
    assertTrue(
        rendered.get(0).startsWith(hostJson() + ":7:")
            && rendered
                .get(0)
                .contains(
                    "integrations.nginxRtmp.callers[0]: expected an IP address or CIDR range"),
        rendered.get(0));
    assertTrue(
        rendered.get(1).startsWith(hostJson() + ":8:")
            && rendered.get(1).contains("integrations.srs.callers: expected a non-empty array"),
        rendered.get(1));
  }

  @Test
  void mistakesAreNamedWhereTheyAre() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                load(
                    "{"
                        + POINTS
                        + """
                          "integrations": {
                            "nginxAuthRequest": { "path": "nginx", "points": ["hls", "open", "nope"] },
                            "nginxRtmp": { "path": "/.authhost/x", "streamPrefix": "live",
                              "schemeParams": { "user": "Bearer", "t": "Bad Scheme" } },
                            "mediamtx": { "path": "/.authhost/x", "adminPoint": "nope" },
                            "srs": { "pth": "/.authhost/srs" }
                          }
                        }
                        """));
    List<String> rendered = e.problems().stream().map(ConfigProblem::render).toList();
    assertEquals(
        List.of(
            hostJson()
                + ":7:35: [config/bad-value] integrations.nginxAuthRequest.path: expected an"
                + " exact request path such as \"/.authhost/nginx\" (starts with '/', URL path"
                + " characters only; no \"..\", \"//\", '%', '?' or '#'), found \"nginx\"",
            hostJson()
                + ":7:62: [config/bad-value] integrations.nginxAuthRequest.points[1]:"
                + " publishing point \"open\" has no \"plugins\" list of its own; expected one,"
                + " because nginx auth_request can use only plug-ins that finish in one request"
                + " (give the point \"plugins\": [\"basic\", \"digest\"], say)",
            hostJson()
                + ":7:70: [config/bad-value] integrations.nginxAuthRequest.points[2]: expected"
                + " the name of a publishing point, one of \"hls\", \"open\", \"admin\", found"
                + " \"nope\"",
            hostJson()
                + ":8:60: [config/bad-value] integrations.nginxRtmp.streamPrefix: expected a"
                + " path that starts and ends with '/' such as \"/\" or \"/live/\", put before the"
                + " stream's name to find its publishing point, found \"live\"",
            hostJson()
                + ":9:25: [config/bad-value] integrations.nginxRtmp.schemeParams.user: the"
                + " parameter is already the user or password parameter; expected another",
            hostJson()
                + ":9:48: [config/bad-value] integrations.nginxRtmp.schemeParams.t: expected"
                + " an authentication scheme such as \"Bearer\", found \"Bad Scheme\"",
            hostJson()
                + ":10:27: [config/bad-value] integrations.mediamtx.path: \"/.authhost/x\" is"
                + " already the path of integrations.nginxRtmp; expected a path of its own",
            hostJson()
                + ":10:57: [config/bad-value] integrations.mediamtx.adminPoint: expected null"
                + " (refuse api, metrics and pprof) or the name of a publishing point, one of"
                + " \"hls\", \"open\", \"admin\", found \"nope\"",
            hostJson()
                + ":11:14: [config/unknown-key] unknown key \"pth\" in \"integrations.srs\";"
                + " expected one of: path, streamPrefix, checkConnect, userParam, passwordParam,"
                + " schemeParams, callers (did you mean \"path\"?)"),
        rendered);
  }

  @Test
  void pointsAreRequiredForNginx() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> load("{" + POINTS + "\"integrations\": { \"nginxAuthRequest\": {} } }"));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertEquals(
        "integrations.nginxAuthRequest: missing required key \"points\"; expected the publishing"
            + " points nginx asks about, such as [\"hls\"]",
        e.problems().get(0).message());
  }

  private HostConfig load(String json) throws IOException, ConfigException {
    Files.writeString(dir.resolve("host.json"), json);
    return ConfigLoader.load(dir);
  }

  /** The configuration file's path as problems name it. */
  private String hostJson() {
    return dir.toAbsolutePath().normalize().resolve("host.json").toString();
  }
}
