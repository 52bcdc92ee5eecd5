package org.authhost.host.events;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The event log's folder is locked by another host (another process, or another store in this one):
 * two writers would interleave records. The host turns it into {@code [host/data-in-use]}.
 */
public final class EventLogInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;

  EventLogInUseException(Path directory, String message, Throwable cause) {
    super(message, cause);
    this.directory = directory;
  }

  /** The event log folder that is in use. */
  public Path directory() {
    return directory;
  }
}
