package org.authhost.host.plugins;

import org.authhost.host.containment.Containment;

/**
 * How the plug-in host sets up the containment guard before the first plug-in class exists: a
 * server installs it ({@link Containment#install}); the contract kit, which runs inside a plug-in
 * author's test JVM, leaves that JVM's classes alone and reports the guard off.
 */
@FunctionalInterface
public interface ContainmentSetup {
  /** The server's: the agent from the launcher's {@code -javaagent}, else attached to itself. */
  ContainmentSetup INSTALL = Containment::install;

  Containment.Status install();
}
