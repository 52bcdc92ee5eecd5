package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.api.StateService.Answer;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

class PluginStateTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final LocalStateService store = new LocalStateService(new MutableClock(), 1000);

  @Test
  void pluginsNeverSeeEachOthersKeysButEveryVersionOfOneSeesItsOwn() {
    new PluginState(store, "digest").put("secret", new byte[] {1}, MINUTE);
    Out<byte[]> read = new Out<>();
    assertEquals(HResult.S_FALSE, new PluginState(store, "other").get("secret", read));
    PluginState nextVersion = new PluginState(store, "digest");
    assertEquals(HResult.S_OK, nextVersion.get("secret", read));
    assertArrayEquals(new byte[] {1}, read.get());
  }

  @Test
  void keysMustBePrintableAsciiOfBoundedLength() {
    PluginState state = new PluginState(store, "p");
    for (String bad : new String[] {null, "", "a b", "new\nline", "é", "x".repeat(201)}) {
      assertEquals(
          HResult.E_INVALIDARG, state.claim(bad, MINUTE, new Out<>()), String.valueOf(bad));
      assertEquals(HResult.E_INVALIDARG, state.get(bad, new Out<>()));
    }
    assertEquals(HResult.S_OK, state.claim("x".repeat(200), MINUTE, new Out<>()));
  }

  /**
   * A networked store as far as a plug-in's view can tell: its answers come later, and a
   * synchronous call (a round trip waited for) fails the test.
   */
  private static final class RemoteStore implements StateService {
    final List<String> asked = new ArrayList<>();
    final CompletableFuture<Answer<Boolean>> pending = new CompletableFuture<>();

    @Override
    public HResult claim(String key, Duration ttl, Out<Boolean> first) {
      throw new AssertionError("waited for a round trip: claim " + key);
    }

    @Override
    public HResult increment(String key, Duration ttl, Out<Long> value) {
      throw new AssertionError("waited for a round trip: increment " + key);
    }

    @Override
    public HResult getOrPut(String key, byte[] value, Duration ttl, Out<byte[]> current) {
      throw new AssertionError("waited for a round trip: getOrPut " + key);
    }

    @Override
    public HResult get(String key, Out<byte[]> value) {
      throw new AssertionError("waited for a round trip: get " + key);
    }

    @Override
    public HResult put(String key, byte[] value, Duration ttl) {
      throw new AssertionError("waited for a round trip: put " + key);
    }

    @Override
    public HResult delete(String key) {
      throw new AssertionError("waited for a round trip: delete " + key);
    }

    @Override
    public CompletionStage<Answer<Boolean>> claimAsync(String key, Duration ttl) {
      asked.add("claim " + key);
      return pending;
    }

    @Override
    public HResult claimInWindow(
        String key, long number, int window, Duration ttl, Out<WindowClaim> result) {
      throw new AssertionError("waited for a round trip: claimInWindow " + key);
    }

    @Override
    public CompletionStage<Answer<WindowClaim>> claimInWindowAsync(
        String key, long number, int window, Duration ttl) {
      asked.add("claimInWindow " + key + " " + number + "/" + window);
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Answer<Long>> incrementAsync(String key, Duration ttl) {
      asked.add("increment " + key);
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Answer<byte[]>> getOrPutAsync(String key, byte[] value, Duration ttl) {
      asked.add("getOrPut " + key);
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Answer<byte[]>> getAsync(String key) {
      asked.add("get " + key);
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Answer<Void>> putAsync(String key, byte[] value, Duration ttl) {
      asked.add("put " + key);
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<Answer<Void>> deleteAsync(String key) {
      asked.add("delete " + key);
      return new CompletableFuture<>();
    }
  }

  @Test
  void thePluginsAsynchronousCallsReachTheStoresOwnAndNeverWait() {
    RemoteStore remote = new RemoteStore();
    PluginState state = new PluginState(remote, "p");
    CompletableFuture<Answer<Boolean>> claimed =
        state.claimAsync("nc:1", MINUTE).toCompletableFuture();
    state.incrementAsync("n", MINUTE);
    state.getOrPutAsync("k", new byte[] {1}, MINUTE);
    state.getAsync("k");
    state.putAsync("k", new byte[] {2}, MINUTE);
    state.deleteAsync("k");
    state.claimInWindowAsync("nc/x", 7, 1024, MINUTE);
    assertEquals(
        List.of(
            "claim plugin/p/nc:1",
            "increment plugin/p/n",
            "getOrPut plugin/p/k",
            "get plugin/p/k",
            "put plugin/p/k",
            "delete plugin/p/k",
            "claimInWindow plugin/p/nc/x 7/1024"),
        remote.asked);
    assertEquals(false, claimed.isDone(), "the answer is the store's to give, later");
    remote.pending.complete(new Answer<>(HResult.S_OK, true));
    assertEquals(new Answer<>(HResult.S_OK, true), claimed.join());
    // A bad key never reaches the store: answered at once, as the synchronous call would be.
    Answer<byte[]> bad = state.getAsync("a b").toCompletableFuture().join();
    assertEquals(HResult.E_INVALIDARG, bad.hresult());
    assertEquals(
        HResult.E_INVALIDARG,
        state.claimInWindowAsync("a b", 1, 8, MINUTE).toCompletableFuture().join().hresult());
    assertEquals(7, remote.asked.size());
  }
}
