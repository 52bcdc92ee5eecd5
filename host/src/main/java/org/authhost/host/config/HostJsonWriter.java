package org.authhost.host.config;

import java.io.IOException;
import java.util.List;

/**
 * Writes a configuration change back to the operator's {@code host.json} (the WMS Administrator's
 * "changes are saved to the server's namespace"): one value set or removed, everything else kept
 * byte for byte, the file replaced atomically, and only if the host's own loader accepts the
 * result.
 */
public interface HostJsonWriter {
  /** A writer for hosts without a file to write to: every change is refused. */
  HostJsonWriter NOT_WRITTEN =
      (path, value) -> {
        throw new UnsupportedOperationException("this host does not write host.json");
      };

  /**
   * Sets (creating missing objects and keys in the style of their siblings) or, with {@code value
   * == null}, removes the value at {@code path} in the operator's host.json, atomically; everything
   * else stays byte for byte.
   *
   * @param path object keys from the top level, e.g. {@code ["plugins", "settings", "digest",
   *     "enabled"]}
   * @param value a String, Boolean, Integer or Long, a List of those (written as a JSON array), or
   *     null to remove the key
   * @throws ConfigException the loader's file:line:column problems, when the result would not load;
   *     nothing is written
   * @throws IOException when the file cannot be written, or ({@link HostJsonChangedException}) it
   *     changed on disk since the host read it: an operator's hand edit is never overwritten
   */
  void set(List<String> path, Object value) throws IOException, ConfigException;
}
