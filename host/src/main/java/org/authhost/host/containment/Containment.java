package org.authhost.host.containment;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * The containment guard of this process: only the host's own code may end the process ({@code
 * System.exit}, {@code Runtime.exit}, {@code Runtime.halt}, raising or handling the signals that
 * end it) or run the JVM's diagnostic commands in process (which load agents), and plug-in code
 * cannot reflect into the host's classes or another plug-in's ({@code setAccessible}, {@code
 * privateLookupIn}); a refused call throws {@link ForbiddenCallException} into it and is reported
 * through its {@link ContainedLoader}, when it has one. These calls only: see the README's "Trust
 * model" for what in-process code can still do. The rules are {@link CallChecker}'s, the rewritten
 * methods {@link GuardedJdkMethods}'.
 *
 * <p>The JDK's classes are the process's, so the guard is too: {@link #install} sets it up once and
 * every later call answers how that went. It needs a JVM agent: the launcher's {@code
 * -javaagent:lib/authhost-host-agent.jar} (the robust way: no attach mechanism, nothing for a JDK
 * that refuses agents loaded at run time to refuse), or else the host attaches it to itself. If
 * neither works, the host runs without the guard and says so.
 */
public final class Containment {
  private static final String BRIDGE = "org.authhost.host.containment.boot.ContainmentBridge";

  private static Status status;

  private Containment() {}

  /**
   * Whether the guard is on.
   *
   * @param active whether plug-in calls are checked
   * @param detail how the agent came (active), or why there is no guard
   */
  public record Status(boolean active, String detail) {}

  /** Sets the guard up, once per process; later calls answer how the first went. */
  public static synchronized Status install() {
    if (status == null) {
      status = tryInstall();
    }
    return status;
  }

  /** Called as each contained loader is made: no call is checked before the first exists. */
  public static void arm() {
    CallChecker.arm();
  }

  private static Status tryInstall() {
    Instrumentation instrumentation = ContainmentAgent.take();
    String how = "the -javaagent option";
    if (instrumentation == null) {
      try {
        attachToSelf();
      } catch (RuntimeException | IOException | LinkageError e) {
        return new Status(
            false,
            "the JVM was started without -javaagent:lib/authhost-host-agent.jar and the agent"
                + " could not be attached at run time ("
                + e
                + ")");
      }
      instrumentation = ContainmentAgent.take();
      how = "attached at start (the launcher's -javaagent is the reliable way)";
      if (instrumentation == null) {
        return new Status(false, "the agent attached but did not start");
      }
    }
    if (!instrumentation.isRetransformClassesSupported()) {
      return new Status(false, "this JVM cannot rewrite loaded classes");
    }
    try {
      Class<?> bridge = bridge(instrumentation);
      // java.base must read the bridge's module to call it from Runtime and the reflection classes.
      instrumentation.redefineModule(
          Object.class.getModule(),
          Set.of(bridge.getModule()),
          Map.of(),
          Map.of(),
          Set.of(),
          Map.of());
      // So does jdk.management, for its diagnostic-command MBean (loaded now, to be rewritten now).
      Class<?> diagnostics = Class.forName(GuardedJdkMethods.DIAGNOSTIC_COMMANDS, false, null);
      instrumentation.redefineModule(
          diagnostics.getModule(),
          Set.of(bridge.getModule()),
          Map.of(),
          Map.of(),
          Set.of(),
          Map.of());
      // The check is in place before the first rewritten method can call it.
      BiConsumer<String, Object> checker = new CallChecker();
      if (!(Boolean) bridge.getMethod("install", BiConsumer.class).invoke(null, checker)) {
        return new Status(false, "another check was installed first");
      }
      List<String> errors = GuardedJdkMethods.install(instrumentation);
      if (!errors.isEmpty()) {
        return new Status(false, "JDK classes could not be rewritten: " + errors);
      }
    } catch (ReflectiveOperationException | RuntimeException | IOException | LinkageError e) {
      return new Status(false, "the JDK classes could not be rewritten (" + e + ")");
    }
    return new Status(true, how);
  }

  /**
   * The bridge in the boot loader, where java.base can see it: put there by the agent JAR's
   * Boot-Class-Path as the JVM started, or else copied there now from the host's classes (which
   * makes the JVM warn once that class sharing is now for the boot loader's classes only).
   */
  private static Class<?> bridge(Instrumentation instrumentation) throws IOException {
    try {
      return Class.forName(BRIDGE, true, null);
    } catch (ClassNotFoundException notOnTheBootClassPath) {
      return injectBridge(instrumentation);
    }
  }

  private static Class<?> injectBridge(Instrumentation instrumentation) throws IOException {
    Path folder = Files.createTempDirectory("authhost-containment");
    folder.toFile().deleteOnExit();
    Map<String, Class<?>> injected =
        ClassInjector.UsingInstrumentation.of(
                folder.toFile(),
                ClassInjector.UsingInstrumentation.Target.BOOTSTRAP,
                instrumentation)
            .injectRaw(Set.of(BRIDGE), ClassFileLocator.ForClassLoader.of(hostLoader()));
    try (var files = Files.list(folder)) {
      files.forEach(f -> f.toFile().deleteOnExit());
    }
    Class<?> bridge = injected.get(BRIDGE);
    if (bridge == null || bridge.getClassLoader() != null) {
      throw new IOException("the bridge class did not reach the boot class loader");
    }
    return bridge;
  }

  /** A JAR holding the agent class alone, attached to this JVM (Byte Buddy's attach helper). */
  private static void attachToSelf() throws IOException {
    Path jar = Files.createTempFile("authhost-agent", ".jar");
    jar.toFile().deleteOnExit();
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Agent-Class", ContainmentAgent.class.getName());
    main.putValue("Can-Retransform-Classes", "true");
    main.putValue("Can-Redefine-Classes", "true");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry(ContainmentAgent.class.getName().replace('.', '/') + ".class"));
      out.write(ClassFileLocator.ForClassLoader.read(ContainmentAgent.class));
      out.closeEntry();
    }
    ByteBuddyAgent.attach(jar.toFile(), String.valueOf(ProcessHandle.current().pid()));
  }

  private static ClassLoader hostLoader() {
    return Containment.class.getClassLoader();
  }
}
