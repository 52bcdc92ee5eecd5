package org.authhost.host;

import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.lifecycle.LifeCycle;

/**
 * The events that frame the host's run in its event log, "host ... starting" and "host stopped", as
 * a part of {@link AuthHost}: placed after the parts they need (the event log) and before the parts
 * whose work they frame, so that the stop event is written once the plug-ins are stopped and before
 * the log is closed, also when a failed start stops the parts it had started.
 */
final class HostMilestones extends LifeCycle {
  private final HostConfig config;
  private final HostEvents events;

  HostMilestones(HostConfig config, HostEvents events) {
    this.config = config;
    this.events = events;
  }

  @Override
  protected void doStart() {
    events.host(
        EventLevel.INFORMATION,
        HostEvents.HOST,
        HResult.S_OK,
        "host '"
            + config.serverName()
            + "' starting with configuration "
            + config.configDirectory());
    // After "starting", so what the event log found wrong when it opened reads as part of this run.
    events.reportEventLogDamage();
  }

  @Override
  protected void doStop() {
    events.host(EventLevel.INFORMATION, HostEvents.HOST, HResult.S_OK, "host stopped");
  }

  @Override
  public String toString() {
    return "the host's start and stop events{" + state() + "}";
  }
}
