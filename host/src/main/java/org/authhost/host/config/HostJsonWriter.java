package org.authhost.host.config;

import java.io.IOException;
import java.util.List;

/**
 * Writes one change the operator made at run time (the web console) back to {@code host.json}, so
 * that it survives a restart: atomically, keeping the rest of the operator's file as it is, and
 * only if the result still loads.
 */
public interface HostJsonWriter {
  /**
   * Sets the value at {@code path} (creating missing keys in the style of their siblings), or
   * removes it when {@code value} is null.
   *
   * @param value a String, Boolean, Integer/Long, or a List of Strings
   * @throws ConfigException when the file would no longer load (the loader's problems)
   * @throws IOException when the file cannot be written, or changed on disk since the host read it
   */
  void set(List<String> path, Object value) throws IOException, ConfigException;

  /** Until a writer is bound: nothing is written, and the caller says so. */
  HostJsonWriter NOT_WRITTEN =
      (path, value) -> {
        throw new UnsupportedOperationException("no host.json writer in this build");
      };
}
