package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.authhost.api.StateService;
import org.authhost.host.config.RedisConfig;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link StateServiceBehaviour} of the Redis store, against a real {@code redis-server}: times to
 * live are Redis's own, so they are short and waited out by watching the key go.
 */
class RedisStateBehaviourTest extends StateServiceBehaviour {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  static final Duration SHORT = Duration.ofMillis(200);
  static final Duration EXPIRY_BOUND = Duration.ofSeconds(10);

  final List<String> events = new ArrayList<>();
  private RedisLink link;
  private RedisStateService store;

  static RedisConfig config(String uri, String prefix) {
    return new RedisConfig(
        uri, null, null, prefix, Duration.ofMillis(2000), Duration.ofMillis(5000));
  }

  @BeforeEach
  void connect() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    RedisOutage outage =
        new RedisOutage((level, code, text) -> events.add(level + " " + text), "test");
    link = new RedisLink(config(REDIS.server().uri(), "test:"), outage);
    link.connect();
    store = new RedisStateService(link, alarm, Duration.ofMillis(2000));
  }

  @AfterEach
  void disconnect() throws Exception {
    link.close();
    REDIS.server().call("CONFIG", "SET", "maxmemory", "0");
  }

  @Override
  StateService store() {
    return store;
  }

  @Override
  Duration shortTtl() {
    return SHORT;
  }

  @Override
  void outlive(String key) throws Exception {
    long end = System.nanoTime() + EXPIRY_BOUND.toNanos();
    while (!"0".equals(REDIS.server().call("EXISTS", "test:" + key))) {
      if (System.nanoTime() > end) {
        throw new AssertionError(key + " did not expire within " + EXPIRY_BOUND);
      }
      Thread.sleep(10); // a poll of the real condition: Redis's clock expires the key
    }
  }

  @Override
  boolean answersLiveEntriesWhenFull() {
    return false;
  }

  @Override
  void fill() throws Exception {
    assertEquals("OK", REDIS.server().call("CONFIG", "SET", "maxmemory", "1"));
  }

  @Override
  void makeRoom() throws Exception {
    assertEquals("OK", REDIS.server().call("CONFIG", "SET", "maxmemory", "0"));
  }
}
