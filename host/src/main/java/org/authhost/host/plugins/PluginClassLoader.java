package org.authhost.host.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;
import org.authhost.api.HResult;
import org.authhost.host.containment.ContainedLoader;
import org.authhost.host.containment.Containment;
import org.authhost.host.containment.ForbiddenCall;

/**
 * One plug-in's class loader. The JDK comes from the platform loader and the API from the host, so
 * both sides agree on {@link HResult} and friends; nothing else of the host is visible, so a
 * plug-in that bundles its own copy of a library the host also uses gets its own copy, and one that
 * forgot to bundle a library fails at load rather than silently using the host's.
 *
 * <p>Its code is contained (see {@link Containment}): what the guard refuses it is handed to the
 * host's report, set with {@link #onRefusal}.
 */
final class PluginClassLoader extends URLClassLoader implements ContainedLoader {
  private static final String API_PACKAGE = HResult.class.getPackageName() + ".";

  /**
   * Packages no plug-in class may be in: the host's (the API comes from the host) and the JDK's.
   * Not all of org.authhost: the built-in plug-ins are org.authhost.plugins.
   */
  static final List<String> RESERVED_PACKAGES =
      List.of("org.authhost.host.", "org.authhost.api.", "java.", "jdk.", "sun.", "com.sun.");

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader apiLoader;
  private final String pluginId;

  /** What the host staged, as the URL prefixes of the resources in them. */
  private final List<String> ownJars;

  private volatile Consumer<ForbiddenCall> refusals = call -> {};

  PluginClassLoader(String pluginId, List<URL> classPath) {
    super(
        "plugin:" + pluginId, classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    this.apiLoader = HResult.class.getClassLoader();
    this.pluginId = pluginId;
    this.ownJars =
        classPath.stream()
            .map(
                u ->
                    u.getPath().endsWith("/")
                        ? u.toExternalForm()
                        : "jar:" + u.toExternalForm() + "!/")
            .toList();
    Containment.arm();
  }

  /** Where refusals of this plug-in's calls are reported. */
  void onRefusal(Consumer<ForbiddenCall> report) {
    this.refusals = report;
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public void refused(ForbiddenCall call) {
    refusals.accept(call);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(API_PACKAGE)) {
      return apiLoader.loadClass(name);
    }
    return super.loadClass(name, resolve);
  }

  /**
   * Defines the plug-in's classes, none in a package of the host's or the JDK's: the containment
   * guard tells code apart by loader, but a class named as the host's or the JDK's would mislead
   * every stack trace and log that names it.
   */
  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    String reserved = reservedPackage(name);
    if (reserved != null) {
      throw new ClassNotFoundException(
          name
              + " is in "
              + reserved
              + "*, which belongs to the host or the JDK: plug-in '"
              + pluginId
              + "' must put its classes (and bundled libraries') in packages of its own");
    }
    // URLClassLoader follows a JAR manifest's Class-Path to files the host never checked (e.g. a
    // refused JAR in the drop folder). Asked before the class is defined: once defined, the JVM
    // would hand it out without asking this loader again.
    URL found = super.findResource(name.replace('.', '/') + ".class");
    if (found != null && !isOwn(found)) {
      throw new ClassNotFoundException(
          name
              + " is only in "
              + found
              + ", which a manifest's Class-Path names: plug-in '"
              + pluginId
              + "' must bundle its libraries under lib/ in its JAR");
    }
    return super.findClass(name);
  }

  @Override
  public URL findResource(String name) {
    URL found = super.findResource(name);
    return found == null || isOwn(found) ? found : null;
  }

  @Override
  public Enumeration<URL> findResources(String name) throws IOException {
    List<URL> own = new ArrayList<>();
    for (URL url : Collections.list(super.findResources(name))) {
      if (isOwn(url)) {
        own.add(url);
      }
    }
    return Collections.enumeration(own);
  }

  /** Whether {@code resource} is in a JAR the host staged, not one a Class-Path added. */
  private boolean isOwn(URL resource) {
    String text = resource.toExternalForm();
    for (String prefix : ownJars) {
      if (text.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The reserved package prefix {@code className} is in, or null. */
  static String reservedPackage(String className) {
    for (String prefix : RESERVED_PACKAGES) {
      if (className.startsWith(prefix)) {
        return prefix;
      }
    }
    return null;
  }

  @Override
  public URL getResource(String name) {
    if (name.startsWith(API_PACKAGE.replace('.', '/'))) {
      return apiLoader.getResource(name);
    }
    return super.getResource(name);
  }
}
