package org.authhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RedisServerTest {
  @TempDir Path dir;

  @Test
  void aMissingServerSkipsNamingTheDebianPackage() {
    TestAbortedException skipped =
        assertThrows(
            TestAbortedException.class,
            () -> RedisServer.require(List.of(dir.resolve("no-redis-server")), null));
    assertTrue(skipped.getMessage().contains("apt-get install redis-server"), skipped.getMessage());
  }

  @Test
  void whereCiRequiresRedisAMissingServerFails() {
    AssertionFailedError failed =
        assertThrows(
            AssertionFailedError.class,
            () -> RedisServer.require(List.of(dir.resolve("no-redis-server")), "1"));
    assertTrue(failed.getMessage().contains("AUTHHOST_REQUIRE_REDIS=1"), failed.getMessage());
  }

  @Test
  void itAnswersStopsAndStartsAgainEmptyOnTheSamePort() throws Exception {
    try (RedisServer redis = RedisServer.start(dir)) {
      int port = redis.port();
      assertEquals("OK", redis.call("SET", "k", "v"));
      assertEquals("v", redis.call("GET", "k"));
      redis.stop();
      assertFalse(redis.isRunning());
      assertThrows(IOException.class, () -> redis.call("PING"));
      redis.restart();
      assertEquals(port, redis.port());
      assertEquals("PONG", redis.call("PING"));
      assertNull(redis.call("GET", "k"), "nothing was saved across the restart");
      assertEquals("", redis.call("CONFIG", "GET", "save").split("\n", 2)[1]);
    }
  }

  @Test
  void aPasswordIsDemanded() throws Exception {
    try (RedisServer redis = RedisServer.start(dir, "s3cret")) {
      assertEquals("PONG", redis.call("PING"));
      assertEquals("requirepass\ns3cret", redis.call("CONFIG", "GET", "requirepass"));
      try (RedisServer other = RedisServer.start(dir.resolve("other"))) {
        assertTrue(other.port() != redis.port());
      }
    }
  }
}
