package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.authhost.api.HResult;
import org.authhost.api.Out;
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
}
