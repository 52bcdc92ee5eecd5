package org.authhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact as an author gets it (run after the shade goal): nothing in it can clash with an
 * author's class path (every class is the kit's own or relocated under {@code
 * org.authhost.testkit.shaded}, service files included), the API is not inside, the distribution's
 * {@code sdk/} has it with a POM that stands alone, and the kit works from the JAR alone with the
 * API beside it.
 */
class ShadedJarTest {
  private static final Path SHADED = Path.of(System.getProperty("authhost.test.shadedJar"));
  private static final Path API = Path.of(System.getProperty("authhost.test.apiJar"));
  private static final String SHADED_PREFIX = "org/authhost/testkit/shaded/";

  /** The libraries relocated, by their original package: what the kit bundles. */
  private static final Set<String> RELOCATED =
      Set.of(
          "com/google/",
          "com/fasterxml/",
          "com/github/benmanes/",
          "io/netty/",
          "org/slf4j/",
          "picocli/",
          "org/bouncycastle/",
          "jakarta/inject/",
          "org/aopalliance/",
          "javax/annotation/",
          "org/checkerframework/",
          "net/bytebuddy/",
          // The Redis state service's client and the metrics library, with what they bring.
          "io/lettuce/",
          "reactor/",
          "io/micrometer/",
          "io/prometheus/",
          "redis/clients/",
          "org/reactivestreams/");

  @Test
  void everyClassIsTheKitsOwnOrRelocatedAndTheApiIsNotInside() throws Exception {
    try (JarFile jar = new JarFile(SHADED.toFile())) {
      List<String> classes =
          jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class")).toList();
      List<String> foreign =
          classes.stream()
              .filter(n -> !n.startsWith("org/authhost/"))
              .filter(n -> !n.startsWith("META-INF/"))
              .toList();
      assertEquals(List.of(), foreign, "classes outside org/authhost/**");
      List<String> strayFiles =
          jar.stream()
              .map(ZipEntry::getName)
              .filter(n -> !n.endsWith("/"))
              .filter(n -> !n.startsWith("org/authhost/") && !n.startsWith("META-INF/"))
              .toList();
      assertEquals(List.of(), strayFiles, "files outside org/authhost/** and META-INF/");
      Set<String> libraries = new TreeSet<>();
      for (String n : classes) {
        if (n.startsWith(SHADED_PREFIX)) {
          String original = n.substring(SHADED_PREFIX.length());
          RELOCATED.stream().filter(original::startsWith).forEach(libraries::add);
          assertTrue(
              RELOCATED.stream().anyMatch(original::startsWith),
              n + " is relocated from a library this test does not list");
        }
      }
      // Byte Buddy (the containment code's) was once bundled as it was.
      assertTrue(libraries.contains("net/bytebuddy/"), libraries.toString());
      assertTrue(libraries.contains("com/google/"), libraries.toString());
      assertTrue(classes.contains(SHADED_PREFIX + "com/google/inject/Guice.class"), "Guice");
      assertTrue(classes.contains("org/authhost/host/kit/ContractCheck.class"));
      assertTrue(classes.contains("org/authhost/testkit/PluginContract.class"));
      assertFalse(classes.stream().anyMatch(n -> n.startsWith("org/authhost/api/")), "the API");
    }
  }

  @Test
  void serviceFilesNameOnlyRelocatedOrOwnClasses() throws Exception {
    try (JarFile jar = new JarFile(SHADED.toFile())) {
      List<JarEntry> services =
          jar.stream()
              .filter(e -> e.getName().startsWith("META-INF/services/") && !e.isDirectory())
              .toList();
      assertFalse(services.isEmpty(), "the bundled libraries declare services");
      for (JarEntry e : services) {
        String service = e.getName().substring("META-INF/services/".length());
        assertTrue(ownOrRelocated(service), "service file " + e.getName());
        for (String line : lines(jar, e)) {
          assertTrue(ownOrRelocated(line), e.getName() + " names " + line);
        }
      }
    }
  }

  private static boolean ownOrRelocated(String className) {
    return className.startsWith("org.authhost.") || className.startsWith("java.");
  }

  private static List<String> lines(JarFile jar, JarEntry e) throws IOException {
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(l -> l.replaceAll("#.*", "").trim())
          .filter(l -> !l.isEmpty())
          .toList();
    }
  }

  @Test
  void theDistributionsSdkShipsTheKitWithAPomThatStandsAlone() throws Exception {
    Path sdk = Path.of(System.getProperty("authhost.test.sdk"));
    assertEquals(
        Files.size(SHADED), Files.size(sdk.resolve("authhost-testkit.jar")), "the shaded JAR");
    String pom = Files.readString(sdk.resolve("authhost-testkit.pom"));
    assertFalse(pom.contains("<parent>"), pom);
    assertFalse(pom.contains("@VERSION@"), pom);
    assertTrue(pom.contains("<artifactId>authhost-api</artifactId>"), pom);
    assertEquals(2, pom.split("<dependency>").length - 1, "the API and JUnit's API only: " + pom);
    String install = Files.readString(sdk.resolve("install.sh"));
    assertTrue(install.contains("-DpomFile=\"$sdk/authhost-testkit.pom\""), install);
    assertTrue(install.contains("-DpomFile=\"$sdk/authhost-api.pom\""), install);
    assertTrue(Files.isExecutable(sdk.resolve("install.sh")));
  }

  @Test
  void theKitRunsFromTheShadedJarAndTheApiAlone() throws Exception {
    Alone run = checkAlone();

    assertTrue(run.passed(), run.report());
  }

  @Test
  void theKitsRelocatedSlf4jFindsItsOwnProviderAndSaysNothing() throws Exception {
    // It printed "SLF4J(W): No SLF4J providers were found" (three lines) on every run.
    Alone run = checkAlone();

    assertFalse(run.err().contains("SLF4J"), run.err());
  }

  @Test
  void aBrokenJarFailsAssertPassesWithAPlainAssertionErrorWhenJUnitIsNotThere(@TempDir Path dir)
      throws Exception {
    // A plain main with the SDK's two JARs: JUnit's Assertions.fail was a NoClassDefFoundError.
    Path notAPlugin = dir.resolve("not-a-plugin.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(notAPlugin))) {
      jar.putNextEntry(new JarEntry("readme.txt"));
      jar.write("no descriptor here".getBytes(StandardCharsets.UTF_8));
    }
    try (URLClassLoader alone = alone()) {
      Class<?> contract = alone.loadClass("org.authhost.testkit.PluginContract");
      Class<?> options = alone.loadClass("org.authhost.testkit.KitOptions");
      Object defaults = options.getMethod("defaults").invoke(null);
      Method assertPasses = contract.getMethod("assertPasses", Path.class, options);

      InvocationTargetException thrown =
          assertThrows(
              InvocationTargetException.class,
              () -> assertPasses.invoke(null, notAPlugin, defaults));

      assertEquals(
          AssertionError.class, thrown.getCause().getClass(), thrown.getCause().toString());
      assertTrue(
          thrown.getCause().getMessage().contains("KIT-DESCRIPTOR"),
          thrown.getCause().getMessage());
    }
  }

  /** The shaded JAR and the API in a class loader of their own: no JUnit, no host. */
  private static URLClassLoader alone() throws IOException {
    return new URLClassLoader(
        new URL[] {SHADED.toUri().toURL(), API.toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
  }

  /**
   * The anonymous plug-in checked by the kit loaded from the shaded JAR and the API alone, in a
   * class loader of its own (so its SLF4J starts afresh): whether it passed, the report, and what
   * was written to {@code System.err} meanwhile.
   */
  private record Alone(boolean passed, String report, String err) {}

  private static Alone checkAlone() throws Exception {
    Path plugin =
        Path.of(System.getProperty("authhost.test.builtinPlugins"))
            .resolve("authhost-plugin-anonymous.jar");
    PrintStream err = System.err;
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    try (URLClassLoader alone = alone()) {
      System.setErr(new PrintStream(written, true, StandardCharsets.UTF_8));
      Class<?> contract = alone.loadClass("org.authhost.testkit.PluginContract");
      Class<?> options = alone.loadClass("org.authhost.testkit.KitOptions");
      Object defaults = options.getMethod("defaults").invoke(null);
      Object quick =
          options
              .getMethod("withProperty", String.class, String.class)
              .invoke(
                  options.getMethod("withBlobs", int.class).invoke(defaults, 200),
                  "account",
                  "Guest");
      Object report = contract.getMethod("check", Path.class, options).invoke(null, plugin, quick);
      return new Alone(
          (Boolean) report.getClass().getMethod("passed").invoke(report),
          (String) report.getClass().getMethod("describe").invoke(report),
          written.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(err);
    }
  }
}
