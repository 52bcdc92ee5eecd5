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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics}: off by default, each mistake at its file, line and column, no token shown. */
class MetricsConfigTest {
  @TempDir Path dir;

  @Test
  void absentIsOffOnLoopbackWithNoToken() throws Exception {
    MetricsConfig metrics = load("{}").metrics();
    assertEquals(MetricsConfig.OFF, metrics);
    assertFalse(metrics.enabled());
    assertEquals("127.0.0.1", metrics.bindAddress());
  }

  @Test
  void everyKeyIsRead() throws Exception {
    MetricsConfig metrics =
        load("""
                {"metrics": {"port": 9464, "bindAddress": "0.0.0.0",
                  "allow": ["10.0.0.0/8", "2001:db8::/32"], "bearerTokenFile": "metrics.token"}}
                """)
            .metrics();
    assertEquals(
        new MetricsConfig(
            9464,
            "0.0.0.0",
            List.of("10.0.0.0/8", "2001:db8::/32"),
            null,
            dir.toAbsolutePath().normalize().resolve("metrics.token"),
            null),
        metrics);
    assertTrue(metrics.enabled());
  }

  @Test
  void aBadValueIsReportedWhereItIs() {
    assertProblem(
        single(
            failure(
                """
                {
                  "metrics": { "port": 70000 }
                }
                """)),
        2,
        24,
        "metrics.port: expected a port number (0 picks a free one, -1 means no metrics listener)"
            + " from -1 to 65535, found 70000");
    ConfigException e =
        failure(
            """
            {"metrics": {"allow": ["10.0.0.0/33"], "bindAddress": "metrics.example", "bearerTokenFiel": "t"}}
            """);
    List<String> messages = e.problems().stream().map(ConfigProblem::message).toList();
    assertEquals(3, messages.size(), e.getMessage());
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("metrics.bindAddress: expected an IP")),
        messages.toString());
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("metrics.allow[0]: expected an IP")),
        messages.toString());
    assertTrue(
        messages.stream().anyMatch(m -> m.contains("(did you mean \"bearerTokenFile\"?)")),
        messages.toString());
  }

  @Test
  void aBadTokenIsRefusedWithoutShowingIt() {
    String secret = "short secret";
    ConfigProblem problem =
        single(failure("{\"metrics\": {\"port\": 0, \"bearerToken\": \"" + secret + "\"}}"));
    assertEquals(1, problem.line());
    assertEquals(40, problem.column());
    assertTrue(
        problem.message().startsWith("metrics.bearerToken: expected a string of at least 16"));
    assertFalse(problem.render().contains(secret), problem.render());
    assertFalse(problem.render().contains("short"), problem.render());
  }

  @Test
  void aTokenInTheFileAndATokenFileAreOneTooMany() {
    ConfigProblem problem =
        single(
            failure(
                "{\"metrics\": {\"bearerToken\": \"0123456789abcdef0123\","
                    + " \"bearerTokenFile\": \"t\"}}"));
    assertEquals(
        "metrics.bearerTokenFile: give bearerToken or bearerTokenFile, not both (the file is"
            + " better)",
        problem.message());
  }

  @Test
  void theTokenIsNeverPrinted() throws Exception {
    MetricsConfig metrics =
        load("{\"metrics\": {\"port\": 0, \"bearerToken\": \"s3cr3t-t0ken-0123456789\"}}")
            .metrics();
    assertEquals("s3cr3t-t0ken-0123456789", metrics.bearerToken());
    assertFalse(metrics.toString().contains("s3cr3t"), metrics.toString());
    assertNull(metrics.bearerTokenFile());
  }

  private HostConfig load(String json) throws IOException, ConfigException {
    Files.writeString(dir.resolve("host.json"), json);
    return ConfigLoader.load(dir);
  }

  private ConfigException failure(String json) {
    return assertThrows(ConfigException.class, () -> load(json));
  }

  private static ConfigProblem single(ConfigException e) {
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  private static void assertProblem(ConfigProblem problem, int line, int column, String message) {
    assertEquals(
        line + ":" + column + " " + ConfigProblem.BAD_VALUE,
        problem.line() + ":" + problem.column() + " " + problem.id(),
        problem.render());
    assertEquals(message, problem.message());
  }
}
