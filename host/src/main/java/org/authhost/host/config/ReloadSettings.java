package org.authhost.host.config;

import java.time.Duration;

/**
 * How the host follows the plug-in folder while it runs (issue 16): new JARs loaded, replaced ones
 * swapped, removed ones drained and unloaded.
 *
 * @param watch {@code plugins.watch}: a file-system watch triggers a scan soon after a change (a
 *     trigger only: it misses events on network file systems and overflows under bursts)
 * @param rescan {@code plugins.rescanSeconds}: the periodic scan that is the source of truth;
 *     {@link Duration#ZERO} turns following the folder off (reload on demand only)
 * @param drain {@code plugins.drainSeconds}: how long a replaced or removed version may finish the
 *     requests and connection-bound handshakes it has started before its connections are closed
 * @param unloadCheck {@code plugins.unloadCheckSeconds}: how long, after an unload, the host waits
 *     for the old class loader to be collected before it reports what holds it; zero: no check
 */
public record ReloadSettings(boolean watch, Duration rescan, Duration drain, Duration unloadCheck) {
  public static final ReloadSettings DEFAULT =
      new ReloadSettings(
          true, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(10));

  /** The wait after a watch event before the scan, so one copy's burst of events is one scan. */
  public static final Duration DEBOUNCE = Duration.ofSeconds(1);

  /** Whether the folder is followed at all. */
  public boolean follows() {
    return !rescan.isZero();
  }
}
