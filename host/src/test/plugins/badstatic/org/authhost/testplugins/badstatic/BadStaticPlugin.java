package org.authhost.testplugins.badstatic;

import org.authhost.testplugins.TestPlugin;

/** Its static initializer fails, so its constructor is never reached. */
public final class BadStaticPlugin extends TestPlugin {
  private static final String LICENCE = readLicence();

  private static String readLicence() {
    throw new IllegalStateException("no licence file in plugin-data/badstatic");
  }

  @Override
  public String toString() {
    return LICENCE;
  }
}
