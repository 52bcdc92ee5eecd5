package org.authhost.host.cli;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.authhost.host.plugins.PluginView;

/**
 * The last line of {@code authhost run}'s start, the one an operator (and a script) looks for:
 * where the host serves, and whether a plug-in it was asked to run is in error, which the table
 * above it shows but a glance at the last line would miss.
 *
 * @param serverName the host's {@code serverName}
 * @param millis how long the start took
 * @param config the configuration folder
 * @param httpPort the plain HTTP port listened on, or -1 when there is none
 * @param adminPort the admin endpoint's port
 * @param inError the ids of the plug-ins in error or refused, in the table's order, each once
 */
record ReadyLine(
    String serverName,
    long millis,
    Path config,
    int httpPort,
    int adminPort,
    List<String> inError) {

  ReadyLine {
    inError = List.copyOf(inError);
  }

  /**
   * The ids of the plug-ins in error: the current version of each and the files refused, not the
   * versions a reload keeps apart (draining, superseded), which clients no longer get.
   */
  static List<String> inError(List<PluginView> plugins) {
    Set<String> ids = new LinkedHashSet<>();
    for (PluginView p : plugins) {
      if (p.inError()
          && (p.state().equals(PluginView.CURRENT) || p.state().equals(PluginView.REFUSED))) {
        ids.add(p.id());
      }
    }
    return List.copyOf(ids);
  }

  /**
   * {@code AuthHost 'x' ready in 812 ms (config /c, http port 8080, admin port 40123), 1 plug-in in
   * error: digest (see events). Ctrl-C stops it.}
   */
  String text() {
    StringBuilder line =
        new StringBuilder("AuthHost '")
            .append(serverName)
            .append("' ready in ")
            .append(millis)
            .append(" ms (config ")
            .append(config);
    if (httpPort >= 0) {
      line.append(", http port ").append(httpPort);
    }
    line.append(", admin port ").append(adminPort).append(')');
    if (!inError.isEmpty()) {
      line.append(", ")
          .append(inError.size())
          .append(inError.size() == 1 ? " plug-in in error: " : " plug-ins in error: ")
          .append(String.join(", ", inError))
          .append(" (see events)");
    }
    return line.append(". Ctrl-C stops it.").toString();
  }
}
