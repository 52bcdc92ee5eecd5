package org.authhost.host.plugins.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What no trusted JAR may be, whoever vouches for it (hash list or signature): one that names other
 * JARs to load with it through its manifest's {@code Class-Path} (the class loader would follow the
 * path to files no check has seen, e.g. a refused JAR in the drop folder), or one whose entry names
 * repeat (which copy a reader sees is up to the reader). The counterpart of Authenticode covering
 * the whole PE file: what is checked is all that runs.
 */
final class JarShape {
  private JarShape() {}

  /** Why {@code jar} is refused whatever vouches for it, or null. */
  static Decision refusal(Path jar, String sha256) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Set<String> names = new HashSet<>();
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        if (!names.add(entry.getName())) {
          return Decision.refuse(
              "integrity/tampered",
              jar,
              sha256,
              Decision.TRUST_E_BAD_DIGEST,
              "duplicate entry " + entry.getName() + ": the JAR holds two entries of that name",
              "replace the file with the one its author published; no build tool writes a JAR"
                  + " with a name twice");
        }
      }
      String classPath = classPath(zip);
      String where = jar.getFileName().toString();
      if (classPath == null) {
        for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
          if (!entry.isDirectory()
              && entry.getName().startsWith("lib/")
              && entry.getName().endsWith(".jar")) {
            try {
              classPath = libraryClassPath(zip, entry);
            } catch (IOException e) {
              return Decision.refuse(
                  "integrity/tampered",
                  jar,
                  sha256,
                  Decision.TRUST_E_BAD_DIGEST,
                  "its bundled "
                      + entry.getName()
                      + " cannot be read as a JAR ("
                      + e.getMessage()
                      + ")",
                  "replace the file with the one its author published");
            }
            if (classPath != null) {
              where = "its bundled " + entry.getName();
              break;
            }
          }
        }
      }
      if (classPath != null) {
        return Decision.refuse(
            "integrity/class-path",
            jar,
            sha256,
            Decision.TRUST_E_SUBJECT_NOT_TRUSTED,
            "the manifest of "
                + where
                + " names other JARs to load with it (Class-Path: "
                + classPath
                + "), which no check covers",
            "have its author bundle every library under lib/ inside the plug-in JAR and drop the"
                + " Class-Path attribute from its manifest");
      }
      return null;
    }
  }

  /** JarFile finds its manifest whatever the case of its name: so does this. */
  private static String classPath(ZipFile zip) throws IOException {
    for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
      if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
        try (InputStream in = zip.getInputStream(entry)) {
          String found = classPath(new Manifest(in));
          if (found != null) {
            return found;
          }
        }
      }
    }
    return null;
  }

  /**
   * The Class-Path of a bundled library, read as the class loader will read it once staged: from a
   * file, through its central directory (a stream reader sees the local headers, which can differ).
   */
  private static String libraryClassPath(ZipFile zip, ZipEntry entry) throws IOException {
    Path copy = Files.createTempFile("authhost-integrity", ".jar");
    try {
      try (InputStream in = zip.getInputStream(entry)) {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      try (ZipFile library = new ZipFile(copy.toFile())) {
        return classPath(library);
      }
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  private static String classPath(Manifest manifest) {
    if (manifest == null) {
      return null;
    }
    String value = manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
