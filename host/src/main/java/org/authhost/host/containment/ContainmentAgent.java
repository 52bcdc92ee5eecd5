package org.authhost.host.containment;

import java.lang.instrument.Instrumentation;

/**
 * The JVM agent of the containment guard, alone in {@code lib/authhost-host-agent.jar}: the
 * launcher names it with {@code -javaagent} ({@link #premain}), and a host started without it
 * attaches it to itself ({@link #agentmain}). It only keeps the {@link Instrumentation} until the
 * host takes it: everything it is used for is done by {@link Containment}.
 */
public final class ContainmentAgent {
  private static Instrumentation instrumentation;
  private static boolean taken;

  private ContainmentAgent() {}

  /** {@code -javaagent:lib/authhost-host-agent.jar}, before {@code main}. */
  public static void premain(String arguments, Instrumentation instrumentation) {
    keep(instrumentation);
  }

  /** The host attached the agent to itself at run time. */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    keep(instrumentation);
  }

  // Public entry points are callable by anyone: only the first instrumentation counts, and none
  // once the host has taken it.
  private static synchronized void keep(Instrumentation given) {
    if (!taken && instrumentation == null) {
      instrumentation = given;
    }
  }

  /** The instrumentation, once; null if the agent has not run. Not kept here after that. */
  static synchronized Instrumentation take() {
    Instrumentation i = instrumentation;
    if (i != null) {
      instrumentation = null;
      taken = true;
    }
    return i;
  }
}
