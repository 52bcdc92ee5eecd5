package org.authhost.host.plugins;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;

/** For tests outside this package: waits for what a reload or reconfigure left to do. */
public final class Reloads {
  private Reloads() {}

  /**
   * Returns once every change asked of {@code host}'s reloads so far has been made, with the work
   * each queued after it (a drain's beginning, releasing the contexts kept for idle connections).
   */
  public static void awaitIdle(AuthHost host) throws Exception {
    host.plugins().reloads().idle().get(60, TimeUnit.SECONDS);
  }

  /** Whether a version of plug-in {@code id} is draining on {@code host}. */
  public static boolean draining(AuthHost host, String id) {
    return host.plugins().plugins().stream()
        .anyMatch(v -> v.id().equals(id) && v.state().equals(PluginView.DRAINING));
  }

  /** The events of {@code host} saying that a version of plug-in {@code id} was unloaded. */
  public static List<String> unloaded(AuthHost host, String id) {
    return host.eventLog().query(EventQuery.all()).stream()
        .map(EventRecord::text)
        .filter(t -> t.contains("plug-in '" + id + "' version ") && t.endsWith(" unloaded"))
        .toList();
  }
}
