package org.authhost.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Copies a plug-in JAR, and the library JARs it bundles under {@code lib/}, into the host's work
 * folder and loads from the copy (Gerrit's way): the operator can replace or delete the original
 * while the host runs, and a half-written replacement never reaches a running class loader.
 */
final class PluginStaging {
  private PluginStaging() {}

  /** The class path of the staged plug-in: its own JAR first, then its bundled libraries. */
  static List<URL> stage(PluginDescriptor descriptor, Path workDirectory) throws IOException {
    return stage(descriptor, workDirectory, 1);
  }

  /**
   * Where load {@code generation} of the plug-in is staged: each load has a folder of its own, so a
   * new version is staged while the old one still runs from its copy.
   */
  static Path folder(PluginDescriptor descriptor, Path workDirectory, long generation) {
    return workDirectory.resolve(descriptor.id()).resolve("load-" + generation);
  }

  /**
   * Stages load {@code generation}; the first load of a host's run also clears what an earlier run
   * left of the plug-in.
   */
  static List<URL> stage(PluginDescriptor descriptor, Path workDirectory, long generation)
      throws IOException {
    if (generation == 1) {
      deleteTree(workDirectory.resolve(descriptor.id()));
    }
    Path dir = folder(descriptor, workDirectory, generation);
    deleteTree(dir);
    Files.createDirectories(dir);
    Path copy = jar(descriptor, dir);
    Files.copy(descriptor.file(), copy, StandardCopyOption.REPLACE_EXISTING);
    List<URL> classPath = new ArrayList<>();
    classPath.add(copy.toUri().toURL());
    try (ZipFile zip = new ZipFile(copy.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (entry.isDirectory()
            || !name.startsWith("lib/")
            || !name.endsWith(".jar")
            || name.indexOf('/', 4) >= 0) {
          continue;
        }
        // The name is checked above to be a plain file under lib/: no "..", no sub-folders.
        Path library = dir.resolve("lib").resolve(name.substring(4));
        Files.createDirectories(library.getParent());
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
        }
        classPath.add(library.toUri().toURL());
      }
    }
    return classPath;
  }

  /** The staged copy of the plug-in's own JAR in {@code folder} (see {@link #folder}). */
  static Path jar(PluginDescriptor descriptor, Path folder) {
    return folder.resolve(descriptor.id() + ".jar");
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
