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

/** {@code console}: off by default, its values, and its mistakes at their file:line:column. */
class ConsoleConfigTest {
  @TempDir Path dir;

  @Test
  void offByDefaultOnLoopbackWithFifteenIdleMinutes() throws Exception {
    ConsoleConfig console = load("{}").console();
    assertFalse(console.enabled());
    assertEquals(ConsoleConfig.OFF, console);
    assertEquals("127.0.0.1", console.bindAddress());
    assertEquals(15, console.idleMinutes());
    assertFalse(load("{ \"console\": { \"port\": -1 } }").console().enabled(), "-1 is off");
  }

  @Test
  void portZeroPicksAFreePortAsInEveryOtherListener() throws Exception {
    ConsoleConfig console = load("{ \"console\": { \"port\": 0 } }").console();
    assertTrue(console.enabled(), "0 is any free port, as http.port, admin.port, metrics.port");
    assertEquals(0, console.port());
  }

  @Test
  void anExplicitPortZeroIsNotedWithItsLineForTheStartWarning() throws Exception {
    ConsoleConfig zero =
        load("""
            {
              "console": {
                "port": 0,
                "idleMinutes": 5 } }
            """)
            .console();
    assertEquals(3, zero.zeroPortLine(), "0 once meant no plain listener: the host warns");
    for (String quiet :
        List.of(
            "{ \"console\": { \"port\": 8088 } }",
            "{ \"console\": { \"port\": -1 } }",
            "{ \"console\": { \"idleMinutes\": 5 } }",
            "{}")) {
      assertEquals(0, load(quiet).console().zeroPortLine(), quiet);
    }
  }

  @Test
  void bindAddressIsTheKeyAndBindItsOldName() throws Exception {
    ConsoleConfig current =
        load("{ \"console\": { \"port\": 8088, \"bindAddress\": \"::1\" } }").console();
    assertEquals("::1", current.bindAddress());
    assertFalse(current.oldBindKey());
    ConsoleConfig old = load("{ \"console\": { \"port\": 8088, \"bind\": \"::1\" } }").console();
    assertEquals("::1", old.bindAddress());
    assertTrue(old.oldBindKey(), "the host warns at start");
    ConfigException both =
        failure("{ \"console\": { \"bind\": \"::1\", \"bindAddress\": \"::1\" } }");
    assertEquals(1, both.problems().size(), both.getMessage());
    assertTrue(
        both.getMessage().contains("console.bind: give bindAddress only"), both.getMessage());
    ConfigException bad =
        failure("{ \"console\": { \"port\": 1, \"bindAddress\": \"admin.local\" } }");
    assertTrue(bad.getMessage().contains("console.bindAddress: expected an IP"), bad.getMessage());
  }

  @Test
  void everyValueIsRead() throws Exception {
    Files.writeString(dir.resolve("console.p12"), "x");
    ConsoleConfig console =
        load("""
                { "console": { "port": 8088, "bind": "::1", "operatorsGroup": "Operators",
                    "idleMinutes": 5, "plugins": ["digest", "negotiate"],
                    "tls": { "keystore": "console.p12", "password": "pw" } } }
                """)
            .console();
    assertTrue(console.enabled());
    assertEquals(8088, console.port());
    assertEquals("::1", console.bindAddress());
    assertEquals("Operators", console.operatorsGroup());
    assertEquals(5, console.idleMinutes());
    assertEquals(List.of("digest", "negotiate"), console.plugins());
    assertEquals(8444, console.tls().port(), "its own default TLS port");
    assertEquals(dir.resolve("console.p12").toAbsolutePath().normalize(), console.tls().keystore());
    assertNull(load("{ \"console\": { \"port\": 1 } }").console().operatorsGroup());
  }

  @Test
  void badValuesAreProblemsAtTheirPlace() {
    ConfigException e =
        failure(
            """
            {
              "console": { "port": 70000, "bind": "admin.local",
                "idleMinutes": 0, "operatorsGroup": 7,
                "plugins": ["Digest!"], "colour": "blue" }
            }
            """);
    String m = e.getMessage();
    assertEquals(6, e.problems().size(), m);
    assertTrue(m.contains("console.port"), m);
    assertTrue(m.contains("console.bind"), m);
    assertTrue(m.contains("console.idleMinutes"), m);
    assertTrue(m.contains("console.operatorsGroup"), m);
    assertTrue(m.contains("console.plugins[0]"), m);
    assertTrue(m.contains("colour"), m);
    for (ConfigProblem p : e.problems()) {
      assertTrue(p.line() == 2 || p.line() == 3 || p.line() == 4, p.render());
      assertTrue(p.column() > 0, p.render());
    }
  }

  @Test
  void aPlainListenerOffLoopbackIsRefusedUnlessAllowed() throws Exception {
    ConfigException e =
        failure(
            """
            { "console": {
                "port": 0, "bindAddress": "0.0.0.0" } }
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertEquals(2, e.problems().get(0).line());
    assertTrue(e.getMessage().contains("session cookie"), e.getMessage());
    assertTrue(
        load("{ \"console\": { \"port\": 8088, \"bind\": \"0.0.0.0\", \"allowPlainHttp\": true } }")
            .console()
            .allowPlainHttp());
  }

  @Test
  void aTlsSectionWithoutItsKeystoreNamesWhatIsMissing() {
    ConfigException e = failure("{ \"console\": { \"tls\": { \"port\": 8444 } } }");
    assertTrue(e.getMessage().contains("console.tls"), e.getMessage());
    assertTrue(e.getMessage().contains("keystore"), e.getMessage());
  }

  private HostConfig load(String json) throws IOException, ConfigException {
    Files.writeString(dir.resolve("host.json"), json);
    return ConfigLoader.load(dir);
  }

  private ConfigException failure(String json) {
    return assertThrows(ConfigException.class, () -> load(json));
  }
}
