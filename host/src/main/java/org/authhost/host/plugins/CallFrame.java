package org.authhost.host.plugins;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call into a plug-in in progress. Whoever claims it first, the returning call or the watchdog
 * at the deadline, decides the outcome; the other one's word is dropped, so a failure is reported
 * exactly once. Nested calls (the host asking a context for its identity inside one timed step)
 * form a chain through {@link #parent}.
 */
final class CallFrame extends AtomicBoolean {
  private static final long serialVersionUID = 1L;

  final transient HostedPlugin plugin;
  final String method;
  final long deadline;

  /** The time limit that gives {@link #deadline}, for the report of a time-out. */
  final long limitMillis;

  final transient CallFrame parent;

  /**
   * Run at the deadline, off the watchdog's thread: answers whoever waits for this call, or null.
   */
  final transient Runnable onTimeout;

  /** Clean-up calls: a timeout is not reported again. */
  final boolean quiet;

  /** The WARNING or ERROR the plug-in logged during this call, on this thread. */
  transient PluginFailures.LoggedEvent logged;

  /** The containment guard refused a call the plug-in made during this one, on this thread. */
  transient boolean refused;

  CallFrame(
      HostedPlugin plugin,
      String method,
      long deadline,
      long limitMillis,
      CallFrame parent,
      Runnable onTimeout,
      boolean quiet) {
    this.plugin = plugin;
    this.method = method;
    this.deadline = deadline;
    this.limitMillis = limitMillis;
    this.parent = parent;
    this.onTimeout = onTimeout;
    this.quiet = quiet;
  }

  /** The call returned: true if its own outcome counts. */
  boolean finish() {
    return compareAndSet(false, true);
  }

  /** The deadline passed: true if the timeout counts. Also ends every frame this one encloses. */
  boolean expire() {
    return compareAndSet(false, true);
  }
}
