package org.authhost.host.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.authhost.api.HResult;

/**
 * Builds a real plug-in JAR in a test (PF4J's {@code PluginJar}): compiles the sources under {@code
 * src/test/plugins/<name>} (plus the shared {@code common}) against the API alone, writes the
 * descriptor, and bundles library JARs under {@code lib/}.
 *
 * <p>By default the plug-in is built for the current API and declares the one capability the shared
 * {@code TestPlugin} uses ({@code token-without-credential}, for its Guest logon): a test of
 * something else then sees neither a refusal nor the WARNING an older plug-in gets at each start.
 */
public final class PluginJar {
  /** What a test plug-in declares unless the test says otherwise (only for API 1.3 and later). */
  private static final String DEFAULT_CAPABILITIES = "token-without-credential";

  private static final Path SOURCES =
      Path.of(System.getProperty("authhost.test.sources", "src/test/plugins"));

  private final String sourceSet;
  private Path sourceRoot;
  private final Map<String, String> descriptor = new LinkedHashMap<>();
  private final List<Path> libraries = new ArrayList<>();
  private String rawDescriptor;
  private Path apiJar;
  private boolean capabilitiesChosen;

  private PluginJar(String sourceSet) {
    this.sourceSet = sourceSet;
  }

  /**
   * A JAR from {@code src/test/plugins/<sourceSet>} with id = sourceSet and entry point guessed.
   */
  public static PluginJar of(String sourceSet, String entryPoint) {
    PluginJar jar = new PluginJar(sourceSet);
    jar.descriptor.put("id", sourceSet);
    jar.descriptor.put("version", "1.0.0");
    jar.descriptor.put("api-version", "1.3");
    jar.descriptor.put("entry-point", entryPoint);
    return jar;
  }

  /**
   * The plug-in of an author's Maven project outside the build (e.g. {@code ../samples/api-key}):
   * its {@code src/main/java}, compiled against the current API alone, and its own descriptor, with
   * {@code ${project.version}} filled in as Maven would.
   */
  public static PluginJar ofProject(Path project) throws IOException {
    PluginJar jar = new PluginJar(project.getFileName().toString());
    jar.sourceRoot = project.resolve("src/main/java");
    jar.rawDescriptor =
        Files.readString(
                project.resolve("src/main/resources/META-INF/authhost-plugin.properties"),
                StandardCharsets.UTF_8)
            .replace("${project.version}", "0.0.0-test");
    return jar;
  }

  /** Sets (or, with null, removes) one descriptor key. */
  public PluginJar with(String key, String value) {
    if (key.equals("capabilities")) {
      capabilitiesChosen = true;
    }
    if (value == null) {
      descriptor.remove(key);
    } else {
      descriptor.put(key, value);
    }
    return this;
  }

  /** Replaces the whole descriptor with this text; null leaves the descriptor out. */
  public PluginJar rawDescriptor(String text) {
    this.rawDescriptor = text;
    return this;
  }

  /** Leaves the descriptor out of the JAR. */
  public PluginJar withoutDescriptor() {
    descriptor.clear();
    rawDescriptor = null;
    return this;
  }

  /**
   * Compiles the plug-in against {@code api} (an API JAR as it was released) instead of the current
   * API, and without the shared test base, which is built for the current one: a plug-in exactly as
   * an author of that version built it.
   */
  public PluginJar compiledAgainst(Path api) {
    this.apiJar = api;
    return this;
  }

  /** Bundles a library JAR under {@code lib/}; it is also on the compile class path. */
  public PluginJar bundling(Path library) {
    libraries.add(library);
    return this;
  }

  /** Compiles and writes the JAR as {@code directory/fileName}. */
  public Path writeTo(Path directory, String fileName) throws IOException {
    Path classes = Files.createTempDirectory("plugin-classes");
    List<String> sources = new ArrayList<>();
    List<Path> roots =
        sourceRoot != null
            ? List.of(sourceRoot)
            : (apiJar == null ? List.of("common", sourceSet) : List.of(sourceSet))
                .stream().map(SOURCES::resolve).toList();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.add(p.toString()));
      }
    }
    StringBuilder classPath =
        new StringBuilder(apiJar == null ? apiClassPath() : apiJar.toString());
    libraries.forEach(l -> classPath.append(File.pathSeparator).append(l));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--release",
                "17",
                "-nowarn",
                "-cp",
                classPath.toString(),
                "-d",
                classes.toString()));
    args.addAll(sources);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    var errors = new ByteArrayOutputStream();
    int rc = compiler.run(null, errors, errors, args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException("compiling test plug-in " + sourceSet + " failed: " + errors);
    }
    Files.createDirectories(directory);
    Path jar = directory.resolve(fileName);
    try (JarOutputStream zip = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        put(zip, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
      String text = rawDescriptor;
      if (text == null && !descriptor.isEmpty()) {
        StringBuilder b = new StringBuilder();
        descriptor.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        if (!capabilitiesChosen && declaresCapabilities(descriptor.get("api-version"))) {
          b.append("capabilities=").append(DEFAULT_CAPABILITIES).append('\n');
        }
        text = b.toString();
      }
      if (text != null) {
        put(zip, "META-INF/authhost-plugin.properties", text.getBytes(StandardCharsets.UTF_8));
      }
      for (Path library : libraries) {
        put(zip, "lib/" + library.getFileName(), Files.readAllBytes(library));
      }
    }
    return jar;
  }

  /** Whether a descriptor for {@code apiVersion} may declare capabilities (1.3 and later). */
  private static boolean declaresCapabilities(String apiVersion) {
    if (apiVersion == null || !apiVersion.matches("1\\.\\d+")) {
      return false;
    }
    return Integer.parseInt(apiVersion.substring(2)) >= 3;
  }

  private static void put(JarOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new JarEntry(name));
    OutputStream out = zip;
    out.write(bytes);
    zip.closeEntry();
  }

  /** Where the API's classes are: the only thing a plug-in compiles against. */
  static String apiClassPath() {
    try {
      return Path.of(HResult.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A library JAR that the build copied for tests, e.g. {@code jackson-core-2.12.7.jar}. */
  public static Path testLibrary(String fileName) {
    return Path.of(System.getProperty("authhost.test.libs", "target/test-libs")).resolve(fileName);
  }

  /** The built-in plug-in JARs the build placed in the distribution. */
  public static Path builtinPlugin(String fileName) {
    return Path.of(System.getProperty("authhost.test.builtinPlugins", "target/authhost/plugins"))
        .resolve(fileName);
  }
}
