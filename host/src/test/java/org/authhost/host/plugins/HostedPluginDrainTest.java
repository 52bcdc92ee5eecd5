package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A version's drain against its sessions' releases, which come from the event loops without the
 * plug-in's lock: in either order the drain completes with the last release, and not before.
 */
class HostedPluginDrainTest {
  private static HostedPlugin plugin() {
    return new HostedPlugin(
        new PluginDescriptor("p", "1.0", ApiVersion.of("1.0"), "none", "", Path.of("p.jar")),
        new HostNamedValues("p", Map.of()));
  }

  /** A session that only counts: admission and release touch nothing else of it. */
  private static AuthenticationSession session(HostedPlugin plugin) {
    return new AuthenticationSession(plugin, null, null, null, 0, null);
  }

  /** Releases on another thread, as an event loop does, and waits for it. */
  private static void releaseElsewhere(HostedPlugin plugin, AuthenticationSession s)
      throws InterruptedException {
    Thread loop = new Thread(() -> plugin.released(s), "loop");
    loop.start();
    loop.join();
  }

  @Test
  void theLastReleaseAfterTheDrainBeganCompletesIt() throws Exception {
    HostedPlugin p = plugin();
    AuthenticationSession a = session(p);
    AuthenticationSession b = session(p);
    assertTrue(p.admit(a));
    assertTrue(p.admit(b));
    CompletableFuture<Void> drained = p.drain();
    assertFalse(drained.isDone(), "two sessions are open");
    releaseElsewhere(p, a);
    assertFalse(drained.isDone(), "one session is still open");
    releaseElsewhere(p, a);
    assertFalse(drained.isDone(), "a second release of the same session counts for nothing");
    releaseElsewhere(p, b);
    assertTrue(drained.isDone());
    assertFalse(p.admit(session(p)), "nothing is admitted once it has drained");
  }

  @Test
  void aDrainAfterTheLastReleaseCompletesAtOnce() throws Exception {
    HostedPlugin p = plugin();
    AuthenticationSession a = session(p);
    assertTrue(p.admit(a));
    releaseElsewhere(p, a);
    assertEquals(0, p.openSessions());
    assertFalse(p.isDraining());
    assertTrue(p.drain().isDone());
  }

  @Test
  void releasesBeforeTheDrainLeaveItWaitingForTheRest() throws Exception {
    HostedPlugin p = plugin();
    AuthenticationSession a = session(p);
    AuthenticationSession b = session(p);
    assertTrue(p.admit(a));
    assertTrue(p.admit(b));
    releaseElsewhere(p, a);
    CompletableFuture<Void> drained = p.drain();
    assertFalse(drained.isDone(), "b is still open");
    releaseElsewhere(p, b);
    assertTrue(drained.isDone());
  }
}
