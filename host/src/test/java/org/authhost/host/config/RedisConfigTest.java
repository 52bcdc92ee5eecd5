package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code state.redis}: read with its defaults, every problem named with its file:line:column. */
class RedisConfigTest {
  @TempDir Path dir;

  private HostConfig load(String json) throws IOException, ConfigException {
    Files.writeString(dir.resolve("host.json"), json);
    return ConfigLoader.load(dir);
  }

  private ConfigException failure(String json) {
    return assertThrows(ConfigException.class, () -> load(json));
  }

  private static void assertOne(ConfigException e, int line, int column, String message) {
    assertEquals(1, e.problems().size(), e.getMessage());
    ConfigProblem p = e.problems().get(0);
    assertEquals(line + ":" + column, p.line() + ":" + p.column(), p.render());
    assertEquals(message, p.message());
    assertTrue(e.getMessage().contains("host.json"), e.getMessage());
  }

  @Test
  void absentOrNullKeepsTheStateInMemory() throws Exception {
    assertNull(load("{}").state().redis());
    assertNull(load("{\"state\": {\"redis\": null}}").state().redis());
  }

  @Test
  void aServerIsReadWithItsDefaults() throws Exception {
    RedisConfig r =
        load("{\"state\": {\"redis\": {\"uri\": \"redis://10.0.0.5:6379/2\"}}}").state().redis();
    assertEquals("redis://10.0.0.5:6379/2", r.uri());
    assertEquals("authhost:", r.keyPrefix());
    assertEquals(Duration.ofMillis(500), r.timeout());
    assertEquals(Duration.ofMillis(2000), r.connectTimeout());
    assertNull(r.password());
  }

  @Test
  void tlsSentinelPasswordFilePrefixAndTimeOutsAreRead() throws Exception {
    Files.writeString(dir.resolve("redis.pw"), "s3cret\n");
    RedisConfig r =
        load("""
                {"state": {"redis": {
                  "uri": "redis-sentinel://s1:26379,s2:26379#primary",
                  "user": "authhost", "passwordFile": "redis.pw", "keyPrefix": "hosts-a:",
                  "timeoutMillis": 250, "connectTimeoutMillis": 1500 }}}
                """)
            .state()
            .redis();
    assertEquals("s3cret", r.password());
    assertEquals("authhost", r.user());
    assertEquals("hosts-a:", r.keyPrefix());
    assertEquals(Duration.ofMillis(250), r.timeout());
    assertEquals(Duration.ofMillis(1500), r.connectTimeout());
    assertFalse(r.toString().contains("s3cret"), "never shown: " + r);
    assertEquals(
        "rediss://10.0.0.5:6380",
        load("{\"state\": {\"redis\": {\"uri\": \"rediss://10.0.0.5:6380\"}}}")
            .state()
            .redis()
            .uri());
  }

  @Test
  void aPasswordInTheUriIsNeverShown() throws Exception {
    RedisConfig r =
        load("{\"state\": {\"redis\": {\"uri\": \"redis://:hunter2@10.0.0.5:6379\"}}}")
            .state()
            .redis();
    assertEquals("redis://***@10.0.0.5:6379", r.shownUri());
    assertFalse(r.toString().contains("hunter2"));
    ConfigException e = failure("{\"state\": {\"redis\": {\"uri\": \"http://:hunter2@x:1\"}}}");
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void aUriThatDoesNotParseIsNamedWithoutItsPassword() {
    // java.net.URI's message embeds the whole input: "Malformed escape pair at index 13:
    // redis://:s3cr%zz..."
    ConfigException e =
        failure("{\"state\": {\"redis\": {\"uri\": \"redis://:s3cr%zzet@127.0.0.1:6379\"}}}");
    assertEquals(1, e.problems().size(), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr"), e.getMessage());
    assertFalse(e.problems().get(0).render().contains("s3cr"), e.problems().get(0).render());
    assertTrue(e.getMessage().contains("redis://***@127.0.0.1:6379"), e.getMessage());
  }

  @Test
  void problemsAreNamedWhereTheyAre() {
    assertOne(
        failure("{\"state\": {\n  \"redis\": {\"uri\": \"http://localhost:6379\"}}}"),
        2,
        20,
        "state.redis.uri: expected a Redis URI: redis://host:port[/db] (rediss:// for TLS) or"
            + " redis-sentinel://host:port[,host:port]/[db]#masterName, found"
            + " \"http://localhost:6379\"");
    assertOne(
        failure("{\"state\": {\"redis\": {\"keyPrefix\": \"a:\"}}}"),
        1,
        21,
        "state.redis: missing required key \"uri\"; expected a Redis URI: redis://host:port[/db]"
            + " (rediss:// for TLS) or redis-sentinel://host:port[,host:port]/[db]#masterName");
    assertOne(
        failure("{\"state\": {\"redis\": {\"uri\": \"redis-sentinel://s1:26379\"}}}"),
        1,
        29,
        "state.redis.uri: a Sentinel URI names its master after '#'"
            + " (redis-sentinel://host:26379#mymaster), found \"redis-sentinel://s1:26379\"");
    assertOne(
        failure("{\"state\": {\"redis\": {\"uri\": \"redis://h:1\",\n \"timeoutMillis\": 0}}}"),
        2,
        19,
        "state.redis.timeoutMillis: expected a whole number of milliseconds from 10 to 60000,"
            + " found 0");
    assertOne(
        failure("{\"state\": {\"redis\": {\"uri\": \"redis://h:1\", \"password\": 12345}}}"),
        1,
        56,
        "state.redis.password: expected a non-empty string, or ${env:NAME} for an environment"
            + " variable");
    assertOne(
        failure("{\"state\": {\"redis\": {\"uri\": \"redis://h:1\", \"keyPrefix\": \"a b\"}}}"),
        1,
        57,
        "state.redis.keyPrefix: expected 1 to 64 printable ASCII characters without spaces,"
            + " ending with a separator such as \"authhost:\", found \"a b\"");
    assertOne(
        failure("{\"state\": {\"redis\": {\"uri\": \"redis://h:1\", \"keyPrefix\": \"\"}}}"),
        1,
        57,
        "state.redis.keyPrefix: expected 1 to 64 printable ASCII characters without spaces,"
            + " ending with a separator such as \"authhost:\", found \"\"");
    ConfigException unknown =
        failure("{\"state\": {\"redis\": {\"uri\": \"redis://h:1\", \"timeoutMilis\": 5}}}");
    assertEquals(1, unknown.problems().size());
    assertEquals(ConfigProblem.UNKNOWN_KEY, unknown.problems().get(0).id());
    assertTrue(
        unknown.problems().get(0).message().contains("timeoutMillis"),
        unknown.problems().get(0).message());
  }

  @Test
  void anUnreadablePasswordFileAndAnUnsetVariableAreProblems() {
    ConfigException e =
        failure(
            "{\"state\": {\"redis\": {\"uri\": \"redis://h:1\", \"passwordFile\": \"missing.pw\"}}}");
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).message().contains("missing.pw"), e.getMessage());
    ConfigException env =
        failure(
            "{\"state\": {\"redis\": {\"uri\": \"redis://h:1\","
                + " \"password\": \"${env:AUTHHOST_TEST_NO_SUCH_VARIABLE}\"}}}");
    assertEquals(
        List.of(
            "state.redis.password: the environment variable AUTHHOST_TEST_NO_SUCH_VARIABLE is"
                + " not set; expected the password in it"),
        env.problems().stream().map(ConfigProblem::message).toList());
  }
}
