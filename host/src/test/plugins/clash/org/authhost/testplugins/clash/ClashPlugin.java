package org.authhost.testplugins.clash;

import com.fasterxml.jackson.core.json.PackageVersion;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Bundles jackson-core 2.12.7 while the host runs 2.18: reports the version its own class loader
 * gives it, which must be the bundled one.
 */
public final class ClashPlugin extends TestPlugin {
  @Override
  public HResult getPackageName(Out<String> name) {
    name.set("jackson-core " + PackageVersion.VERSION.toString());
    return HResult.S_OK;
  }
}
