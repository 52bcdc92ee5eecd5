package org.authhost.host.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.authhost.api.HResult;
import org.authhost.host.plugins.integrity.JarAdmission;

/**
 * Finds plug-in JARs in the plug-in folder and reads their descriptors. Every file is judged on its
 * own, so one bad JAR never keeps the others from loading.
 */
final class PluginDiscovery {

  /** What a scan found: usable descriptors, sorted by id, and the problems of the rest. */
  record Scan(List<PluginDescriptor> descriptors, List<PluginProblem> problems) {}

  private PluginDiscovery() {}

  /** Reads nothing more of a JAR that {@code admission} refuses. */
  static Scan scan(Path directory, JarAdmission admission) {
    List<PluginProblem> problems = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      problems.add(
          new PluginProblem(
              "plugin/no-directory",
              "host",
              directory,
              HResult.E_FILE_NOT_FOUND,
              "the plug-in folder does not exist",
              "create it and copy plug-in JARs into it, or set plugins.directory in host.json"));
      return new Scan(List.of(), problems);
    }
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.jar")) {
      files.forEach(jars::add);
    } catch (IOException e) {
      problems.add(
          new PluginProblem(
              "plugin/unreadable-directory",
              "host",
              directory,
              HResult.E_ACCESSDENIED,
              "the plug-in folder cannot be read (" + e.getMessage() + ")",
              "give the host's account read access to it"));
      return new Scan(List.of(), problems);
    }
    jars.sort(null);
    Map<String, List<PluginDescriptor>> byId = new LinkedHashMap<>();
    for (Path jar : jars) {
      Optional<PluginProblem> refused = admission.refusal(jar);
      if (refused.isPresent()) {
        problems.add(refused.get());
        continue;
      }
      DescriptorReader.Result result = DescriptorReader.read(jar);
      problems.addAll(result.problems());
      if (result.descriptor() != null) {
        byId.computeIfAbsent(result.descriptor().id(), id -> new ArrayList<>())
            .add(result.descriptor());
      }
    }
    List<PluginDescriptor> usable = new ArrayList<>();
    byId.forEach(
        (id, found) -> {
          if (found.size() == 1) {
            usable.add(found.get(0));
            return;
          }
          // Loading either would be a guess about which authentication code the operator meant to
          // run.
          String files =
              found.stream()
                  .map(d -> d.file().getFileName().toString())
                  .collect(Collectors.joining(", "));
          for (PluginDescriptor d : found) {
            problems.add(
                new PluginProblem(
                    "plugin/duplicate-id",
                    id,
                    d.file(),
                    HResult.E_DUP_NAME,
                    "plug-in id '"
                        + id
                        + "' is declared by "
                        + found.size()
                        + " JARs ("
                        + files
                        + "); none of them is loaded",
                    "keep exactly one JAR with id '"
                        + id
                        + "' in "
                        + directory
                        + " and remove the others"));
          }
        });
    usable.sort((a, b) -> a.id().compareTo(b.id()));
    return new Scan(List.copyOf(usable), List.copyOf(problems));
  }
}
