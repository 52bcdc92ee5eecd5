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
  private volatile int resets;

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
    link.whenReset(() -> resets++);
  }

  @AfterEach
  void disconnect() throws Exception {
    link.close();
    REDIS.server().call("CONFIG", "SET", "maxmemory", "0");
  }

  @org.junit.jupiter.api.Test
  void getAndDeleteOnAStoreThatLostItsDataAnswerUnavailableNotAbsent() throws Exception {
    org.authhost.api.Out<byte[]> value = new org.authhost.api.Out<>();
    assertEquals(
        org.authhost.api.HResult.S_OK,
        store.put("revoked/t1", new byte[] {1}, Duration.ofMinutes(1)));
    assertEquals(org.authhost.api.HResult.S_OK, store.get("revoked/t1", value));
    assertEquals(1, value.get().length);
    int resets = this.resets;
    // Redis restarted empty, as far as the scripts can tell: the life mark is gone.
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    assertEquals(
        org.authhost.api.HResult.NS_E_NO_NEW_CONNECTIONS,
        store.get("revoked/t1", new org.authhost.api.Out<>()),
        "a plug-in's record is not 'absent' after a loss: the check fails closed");
    assertEquals(
        org.authhost.api.HResult.NS_E_NO_NEW_CONNECTIONS,
        store.delete("revoked/t1"),
        "nor is a delete answered from the emptied store");
    org.junit.jupiter.api.Assertions.assertTrue(
        this.resets > resets, "and the host is told the store lost its data");
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
