package org.authhost.host.config;

import java.io.IOException;

/**
 * {@code host.json} is no longer the file the host read (an operator edited it by hand, or it is
 * gone), so a change is not written over it. The fix is the operator's: make the change in the file
 * too, or restart the host so that it reads the file as it is now.
 */
public final class HostJsonChangedException extends IOException {
  /** The stable id a script or a page can match on; its wording never changes. */
  public static final String ID = "config/changed-on-disk";

  HostJsonChangedException(String message) {
    super("[" + ID + "] " + message);
  }
}
