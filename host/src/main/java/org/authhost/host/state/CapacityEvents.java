package org.authhost.host.state;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.diagnostics.HostEvents;

/**
 * Tells the operator that the host's state store is full, once per episode: while it is, every
 * plug-in write that needs a new entry is refused and its client gets a 503, which would be one
 * event per request if each refusal said so.
 */
@Singleton
final class CapacityEvents implements LocalStateService.CapacityAlarm {
  private final HostEvents events;

  @Inject
  CapacityEvents(HostEvents events) {
    this.events = events;
  }

  @Override
  public void full(int maxEntries) {
    events.host(
        EventLevel.ERROR,
        HostEvents.HOST,
        HResult.NS_E_NO_NEW_CONNECTIONS,
        "the host's state store is full: "
            + maxEntries
            + " live entries (state.maxEntries). Until entries expire, a plug-in write that needs"
            + " a new one is refused and its client gets 503 with Retry-After (a Digest client:"
            + " each nonce it uses needs one). Fix: raise state.maxEntries in host.json (an entry"
            + " takes some 200 to 500 bytes of heap), or shorten what plug-ins keep (Digest:"
            + " nonceLifetimeSeconds). One event per episode; another follows when there is room"
            + " again");
  }

  @Override
  public void roomAgain(int maxEntries) {
    events.host(
        EventLevel.INFORMATION,
        HostEvents.HOST,
        HResult.S_OK,
        "the host's state store has room again (below 90% of state.maxEntries = "
            + maxEntries
            + "): plug-in writes are accepted again");
  }
}
