package org.authhost.host.state;

import java.time.Duration;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.host.testing.MutableClock;

/** {@link StateServiceBehaviour} of the in-memory store, on a fake clock. */
class LocalStateBehaviourTest extends StateServiceBehaviour {
  private static final int MAX_ENTRIES = 200;

  private final MutableClock clock = new MutableClock();
  private final LocalStateService store = new LocalStateService(clock, MAX_ENTRIES, alarm);

  @Override
  StateService store() {
    return store;
  }

  @Override
  Duration shortTtl() {
    return MINUTE;
  }

  @Override
  void outlive(String key) {
    clock.advance(shortTtl());
  }

  @Override
  void fill() {
    for (int i = 0; store.size() < MAX_ENTRIES; i++) {
      store.claim("plugin/t/filler" + i, Duration.ofSeconds(30), new Out<>());
    }
  }

  @Override
  void makeRoom() {
    clock.advance(Duration.ofSeconds(31)); // the fillers expire; the sweep runs once a second
  }
}
