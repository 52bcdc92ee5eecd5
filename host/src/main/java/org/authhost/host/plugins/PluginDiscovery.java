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

  /**
   * What a scan found: usable descriptors, sorted by id, the problems of the rest, and the files of
   * an older version beside a newer one of the same id (never loaded).
   */
  record Scan(
      List<PluginDescriptor> descriptors,
      List<PluginProblem> problems,
      List<PluginDescriptor> superseded) {
    Scan(List<PluginDescriptor> descriptors, List<PluginProblem> problems) {
      this(descriptors, problems, List.of());
    }
  }

  private PluginDiscovery() {}

  /** Reads nothing more of a JAR that {@code admission} refuses. */
  static Scan scan(Path directory, JarAdmission admission) {
    return scan(directory, admission, jar -> true);
  }

  /**
   * The JARs of {@code directory} that {@code include} takes (the folder watch passes only files
   * that have stopped changing) and {@code admission} admits (nothing more of a refused JAR is
   * read). Of several JARs with one id, the newest {@code version} wins and the others are
   * superseded; two with the same newest version are refused, both.
   */
  static Scan scan(
      Path directory, JarAdmission admission, java.util.function.Predicate<Path> include) {
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
    jars.removeIf(include.negate());
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
        admission.opened(jar);
        byId.computeIfAbsent(result.descriptor().id(), id -> new ArrayList<>())
            .add(result.descriptor());
      }
    }
    List<PluginDescriptor> usable = new ArrayList<>();
    List<PluginDescriptor> superseded = new ArrayList<>();
    byId.forEach(
        (id, all) -> {
          List<PluginDescriptor> found = new ArrayList<>(all);
          found.sort((a, b) -> compareVersions(b.version(), a.version()));
          if (found.size() > 1
              && compareVersions(found.get(0).version(), found.get(1).version()) > 0) {
            // A newer version beside the old file (copied in under a new name): the newer wins.
            usable.add(found.get(0));
            superseded.addAll(found.subList(1, found.size()));
            return;
          }
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
    return new Scan(List.copyOf(usable), List.copyOf(problems), List.copyOf(superseded));
  }

  /**
   * Orders plug-in versions part by part ({@code 1.10.0} after {@code 1.9.2}): parts split at dots
   * and dashes, numbers compared as numbers, other text as text, and a release after its own
   * pre-releases ({@code 2.0.0} after {@code 2.0.0-rc1}).
   */
  static int compareVersions(String a, String b) {
    String[] x = a.split("[.\\-+]");
    String[] y = b.split("[.\\-+]");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      boolean xNumber = x[i].matches("\\d{1,18}");
      boolean yNumber = y[i].matches("\\d{1,18}");
      int c =
          xNumber && yNumber
              ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]))
              : xNumber ? 1 : yNumber ? -1 : x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    // 2.0.0 > 2.0.0-rc1: the longer one carries a pre-release tag when its next part is text.
    if (x.length != y.length) {
      String[] longer = x.length > y.length ? x : y;
      boolean preRelease = !longer[Math.min(x.length, y.length)].matches("\\d{1,18}");
      int sign = x.length > y.length ? 1 : -1;
      return preRelease ? -sign : sign;
    }
    return 0;
  }
}
