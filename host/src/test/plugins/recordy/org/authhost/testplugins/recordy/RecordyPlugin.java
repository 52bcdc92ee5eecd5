package org.authhost.testplugins.recordy;

import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/**
 * Well behaved, and compares records of its own with a component of its own record type, last in
 * ShutdownPlugin: the JDK's record methods then remember that type (see the kit's Unloading).
 */
public final class RecordyPlugin extends TestPlugin {
  record Id(String value) {}

  record Key(Id id) {}

  @Override
  public HResult shutdown() {
    Key a = new Key(new Id("a"));
    Key b = new Key(new Id("b"));
    return a.equals(b) || a.hashCode() == 0 || a.toString().isEmpty()
        ? HResult.E_FAIL
        : HResult.S_OK;
  }
}
