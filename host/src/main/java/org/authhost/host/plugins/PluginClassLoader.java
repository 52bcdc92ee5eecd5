package org.authhost.host.plugins;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.authhost.api.HResult;

/**
 * One plug-in's class loader. The JDK comes from the platform loader and the API from the host, so
 * both sides agree on {@link HResult} and friends; nothing else of the host is visible, so a
 * plug-in that bundles its own copy of a library the host also uses gets its own copy, and one that
 * forgot to bundle a library fails at load rather than silently using the host's.
 */
final class PluginClassLoader extends URLClassLoader {
  private static final String API_PACKAGE = HResult.class.getPackageName() + ".";

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader apiLoader;

  PluginClassLoader(String pluginId, List<URL> classPath) {
    super(
        "plugin:" + pluginId, classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    this.apiLoader = HResult.class.getClassLoader();
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(API_PACKAGE)) {
      return apiLoader.loadClass(name);
    }
    return super.loadClass(name, resolve);
  }

  @Override
  public URL getResource(String name) {
    if (name.startsWith(API_PACKAGE.replace('.', '/'))) {
      return apiLoader.getResource(name);
    }
    return super.getResource(name);
  }
}
