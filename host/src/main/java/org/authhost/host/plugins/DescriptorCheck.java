package org.authhost.host.plugins;

import java.nio.file.Path;
import java.util.List;

/**
 * The host's own reading of a plug-in JAR's descriptor, for checks made before any host runs (the
 * contract kit): the very rules {@link PluginHost} applies when it scans its plug-in folder.
 */
public final class DescriptorCheck {
  private DescriptorCheck() {}

  /**
   * What the host makes of a JAR's descriptor.
   *
   * @param pluginId the declared id, or the file name when none could be read
   * @param apiVersion the declared API version, or empty
   * @param entryPoint the declared entry point, or empty
   * @param problems why the host would refuse it; empty when it would load it
   */
  public record Outcome(
      String pluginId, String apiVersion, String entryPoint, List<PluginProblem> problems) {
    public boolean accepted() {
      return problems.isEmpty();
    }
  }

  public static Outcome of(Path jar) {
    DescriptorReader.Result result = DescriptorReader.read(jar);
    PluginDescriptor d = result.descriptor();
    if (d != null) {
      return new Outcome(d.id(), d.apiVersion().toString(), d.entryPoint(), List.of());
    }
    String id =
        result.problems().isEmpty()
            ? jar.getFileName().toString()
            : result.problems().get(0).pluginId();
    return new Outcome(id, "", "", result.problems());
  }
}
