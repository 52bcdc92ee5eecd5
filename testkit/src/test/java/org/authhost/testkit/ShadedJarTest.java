package org.authhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The artifact as an author gets it (run after the shade goal): the host's libraries live under
 * {@code org.authhost.testkit.shaded}, the API is not inside, and the kit works from the JAR alone
 * with the API beside it.
 */
class ShadedJarTest {
  private static final Path SHADED = Path.of(System.getProperty("authhost.test.shadedJar"));
  private static final Path API = Path.of(System.getProperty("authhost.test.apiJar"));

  @Test
  void theHostsLibrariesAreRelocatedAndTheApiIsNotInside() throws Exception {
    try (JarFile jar = new JarFile(SHADED.toFile())) {
      List<String> names = jar.stream().map(ZipEntry::getName).toList();
      for (String library :
          List.of(
              "com/google/", "com/fasterxml/", "io/netty/", "ch/qos/", "org/slf4j/", "picocli/")) {
        assertFalse(
            names.stream().anyMatch(n -> n.startsWith(library)), library + " not relocated");
      }
      assertTrue(
          names.contains("org/authhost/testkit/shaded/com/google/inject/Guice.class"), "Guice");
      assertTrue(names.contains("org/authhost/host/kit/ContractCheck.class"));
      assertTrue(names.contains("org/authhost/testkit/PluginContract.class"));
      assertFalse(names.stream().anyMatch(n -> n.startsWith("org/authhost/api/")), "the API");
    }
  }

  @Test
  void theKitRunsFromTheShadedJarAndTheApiAlone() throws Exception {
    Path plugin =
        Path.of(System.getProperty("authhost.test.builtinPlugins"))
            .resolve("authhost-plugin-anonymous.jar");
    try (URLClassLoader alone =
        new URLClassLoader(
            new URL[] {SHADED.toUri().toURL(), API.toUri().toURL()},
            ClassLoader.getPlatformClassLoader())) {
      Class<?> check = alone.loadClass("org.authhost.host.kit.ContractCheck");
      Class<?> options = alone.loadClass("org.authhost.host.kit.KitOptions");
      Object defaults = options.getMethod("defaults").invoke(null);
      Object quick =
          options
              .getMethod("withProperty", String.class, String.class)
              .invoke(
                  options.getMethod("withBlobs", int.class).invoke(defaults, 200),
                  "account",
                  "Guest");
      Object report = check.getMethod("run", Path.class, options).invoke(null, plugin, quick);

      assertEquals(
          true,
          report.getClass().getMethod("passed").invoke(report),
          (String) report.getClass().getMethod("describe").invoke(report));
    }
  }
}
