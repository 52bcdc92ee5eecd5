package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The host's unload check on a live server: it waits for the collections the host makes anyway and
 * forces at most two at the end, never one every few hundred milliseconds for the whole budget
 * (each a stop-the-world pause under load); a loader that is let go is still found collected.
 */
class UnloadCheckTest {

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  @Test
  void aLoaderStillHeldIsReportedAfterAtMostTwoForcedCollections() throws Exception {
    URLClassLoader held = new URLClassLoader(new URL[0], null);
    long before = collections();

    List<String> holders = UnloadCheck.start(held, Duration.ofSeconds(2)).get(60, TimeUnit.SECONDS);

    long made = collections() - before;
    assertEquals(1, holders.size(), holders.toString());
    assertTrue(holders.get(0).startsWith("still reachable"), holders.toString());
    // The kit's loop would have made about ten (one each 200 ms) in those two seconds.
    assertTrue(made <= 4, made + " collections during the check");
    held.close();
  }

  @Test
  void aLoaderLetGoIsFoundCollected() throws Exception {
    URLClassLoader loader = new URLClassLoader(new URL[0], null);
    var check = UnloadCheck.start(loader, Duration.ofMillis(500));
    loader = null;

    assertEquals(List.of(), check.get(60, TimeUnit.SECONDS));
  }
}
