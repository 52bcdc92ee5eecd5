package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plug-in whose enable ran across the store's reset (an operator's enable, a hot reload: not yet
 * enabled when the reset's passes looked, so neither taken out of service nor counted as in
 * service) comes into service with what it read before the loss. Its calls carry the old life mark:
 * refused, and the host restarts it, after which it serves on the new mark.
 */
class StaleInstanceRestartTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  private static final Duration TTL = Duration.ofMinutes(5);

  @TempDir Path dir;

  private HostState state;

  @AfterEach
  void stop() throws Exception {
    if (state != null) {
      state.stop();
    }
  }

  /**
   * Connected, the life mark read and the server checked (the start may wait less on a busy box).
   */
  /** A host's state service on an emptied test Redis, its keys under {@code keyPrefix}. */
  private HostState stateOn(String keyPrefix) throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    Files.writeString(
        dir.resolve("host.json"),
        """
        { "serverName": "t", "dataDirectory": "var",
          "state": { "redis": { "uri": "%s", "keyPrefix": "%s" } } }
        """
            .formatted(REDIS.server().uri(), keyPrefix));
    return AuthHost.services(ConfigLoader.load(dir), FakeTime.of(new MutableClock()))
        .getInstance(HostState.class);
  }

  private void awaitConnected() throws InterruptedException {
    CountDownLatch connected = new CountDownLatch(1);
    state.redis().orElseThrow().whenConnected(connected::countDown);
    assertTrue(connected.await(30, TimeUnit.SECONDS), "connected to Redis");
  }

  /**
   * The plug-in host's side in these tests: one plug-in, not enabled yet (its enable still runs
   * during the reset's passes), restarted as {@code PluginHost} does once it is stale.
   */
  abstract static class StartingRecovery implements HostState.Recovery {
    volatile PluginState instance;
    final CountDownLatch restarted = new CountDownLatch(1);
    final List<String> restarts = new CopyOnWriteArrayList<>();

    @Override
    public List<String> disable(Set<String> pluginIds) {
      return List.of(); // not enabled yet: its enable is still running
    }

    @Override
    public List<String> enableWaiting(Set<String> pluginIds) {
      return List.of();
    }

    @Override
    public List<String> inService(Set<String> pluginIds) {
      return List.of();
    }

    @Override
    public List<String> restart(String pluginId, BooleanSupplier stale) {
      if (!stale.getAsBoolean()) {
        return List.of();
      }
      restarts.add(pluginId);
      instance.enabling(); // what PluginHost's enable does (HostedPlugin.starting)
      restarted.countDown();
      return List.of(pluginId);
    }
  }

  /** One plug-in "digest", still starting during the reset's passes. */
  static final class StartingPlugin extends StartingRecovery {
    final CountDownLatch resetDone = new CountDownLatch(1);

    @Override
    public List<String> enable(List<String> pluginIds) {
      resetDone.countDown(); // only the reset enables, once it has reopened the store
      return List.of();
    }
  }

  @Test
  void anInstanceWhoseEnableRanAcrossTheResetIsRefusedThenRestartedOnTheNewMark() throws Exception {
    state = stateOn("stale:");
    StartingPlugin plugin = new StartingPlugin();
    state.recoverWith(plugin);
    state.start();
    awaitConnected();

    // Its enable begins, and reads what it needs (as Digest reads its nonce key).
    PluginState digest = state.forPlugin("digest");
    plugin.instance = digest;
    digest.enabling();
    assertEquals(HResult.S_OK, digest.getOrPut("key", new byte[] {1}, TTL, new Out<>()));

    // Redis loses its data; the host finds it and resets while that enable still runs.
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS, state.store().claim("host/probe", TTL, new Out<>()));
    assertTrue(plugin.resetDone.await(30, TimeUnit.SECONDS), "the reset finished");

    // Its enable ends: in service, with the old key. A captured request reaches the empty window.
    Out<WindowClaim> claim = new Out<>();
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS,
        digest.claimInWindow("nonce/N", 5, 64, TTL, claim),
        "refused: never claimed on the emptied window with what was read before the loss");
    assertTrue(plugin.restarted.await(30, TimeUnit.SECONDS), "the host restarts it");
    assertEquals(List.of("digest"), plugin.restarts);

    // Started afresh: it serves on the new mark.
    assertEquals(HResult.S_OK, digest.claimInWindow("nonce/M", 1, 64, TTL, claim));
    assertEquals(WindowClaim.FIRST, claim.get());
  }

  /**
   * The plug-in host's side for a refusal whose restart comes while another reset runs: after the
   * first reset reopened the store, the stale instance's call is refused (its restart waits behind
   * the reset's own task) and Redis loses its data again before that restart runs.
   */
  static final class SecondLossPlugin extends StartingRecovery {
    volatile HostState state;
    final java.util.concurrent.atomic.AtomicInteger enables =
        new java.util.concurrent.atomic.AtomicInteger();
    final List<HResult> duringFirstEnable = new CopyOnWriteArrayList<>();
    final CountDownLatch secondResetDone = new CountDownLatch(1);

    @Override
    public List<String> enable(List<String> pluginIds) {
      if (enables.incrementAndGet() == 1) {
        duringFirstEnable.add(instance.claimInWindow("nonce/N", 5, 64, TTL, new Out<>()));
        try {
          REDIS.server().call("FLUSHALL");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        duringFirstEnable.add(state.store().claim("host/probe", TTL, new Out<>()));
      } else {
        secondResetDone.countDown();
      }
      return List.of();
    }
  }

  @Test
  void aRefusalWhoseRestartMetAnotherResetAsksAgainAtTheNextRefusedCall() throws Exception {
    state = stateOn("stale2:");
    SecondLossPlugin plugin = new SecondLossPlugin();
    plugin.state = state;
    state.recoverWith(plugin);
    state.start();
    awaitConnected();

    PluginState digest = state.forPlugin("digest");
    plugin.instance = digest;
    digest.enabling(); // its enable begins before the loss, and ends after both resets' passes
    assertEquals(HResult.S_OK, digest.getOrPut("key", new byte[] {1}, TTL, new Out<>()));

    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS, state.store().claim("host/probe", TTL, new Out<>()));
    assertTrue(plugin.secondResetDone.await(30, TimeUnit.SECONDS), "both resets finished");
    assertEquals(
        List.of(HResult.NS_E_NO_NEW_CONNECTIONS, HResult.NS_E_NO_NEW_CONNECTIONS),
        plugin.duringFirstEnable,
        "refused (old mark), and the second loss found");
    assertEquals(1, plugin.restarted.getCount(), "its restart met the second reset: declined");

    // Still the same stale enable in service: its next refused call asks for the restart again.
    assertEquals(
        HResult.NS_E_NO_NEW_CONNECTIONS,
        digest.claimInWindow("nonce/N", 5, 64, TTL, new Out<>()),
        "still refused, never claimed on the emptied window");
    assertTrue(
        plugin.restarted.await(30, TimeUnit.SECONDS),
        "the host restarts it, rather than leaving it refused for good");
    Out<WindowClaim> claim = new Out<>();
    assertEquals(HResult.S_OK, digest.claimInWindow("nonce/M", 1, 64, TTL, claim));
    assertEquals(WindowClaim.FIRST, claim.get());
  }
}
