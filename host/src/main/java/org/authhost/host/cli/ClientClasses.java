package org.authhost.host.cli;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.kit.ContractClient;

/**
 * The author's client classes for {@code plugins check --client}, loaded from their own class path
 * as JUnit's {@code withClient} takes an object: a class with a public {@code byte[] respond(int
 * leg, byte[] challenge)} (the testkit's {@code ContractClient} has it) and a constructor taking
 * nothing, or one {@code String} (what follows {@code =} in {@code CLASS=ARGUMENT}, an account's
 * name say). The loader's parent is the platform's: the author's classes never see the host's
 * libraries, nor the host theirs. The distribution's testkit JAR is on the path, so a class that
 * implements its {@code ContractClient} loads as it is.
 */
final class ClientClasses implements AutoCloseable {
  private final URLClassLoader loader;

  private ClientClasses(URLClassLoader loader) {
    this.loader = loader;
  }

  /**
   * A loader over {@code path} (entries separated as in {@code -cp}) and {@code sdkJar}, if any.
   */
  static ClientClasses on(String path, Path sdkJar) {
    List<URL> urls = new ArrayList<>();
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(url(Path.of(entry)));
      }
    }
    if (sdkJar != null && Files.isRegularFile(sdkJar)) {
      urls.add(url(sdkJar));
    }
    return new ClientClasses(
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()));
  }

  private static URL url(Path entry) {
    try {
      return entry.toAbsolutePath().normalize().toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("--client-path entry " + entry + ": " + e.getMessage());
    }
  }

  /**
   * The client {@code spec} ({@code CLASS} or {@code CLASS=ARGUMENT}) names, for {@code option}.
   */
  ContractClient client(String option, String spec) {
    int eq = spec.indexOf('=');
    String name = eq < 0 ? spec : spec.substring(0, eq);
    String argument = eq < 0 ? null : spec.substring(eq + 1);
    Object client;
    Method respond;
    try {
      Class<?> type = Class.forName(name, true, loader);
      Constructor<?> make =
          argument == null
              ? type.getDeclaredConstructor()
              : type.getDeclaredConstructor(String.class);
      make.setAccessible(true);
      client = argument == null ? make.newInstance() : make.newInstance(argument);
      respond = type.getMethod("respond", int.class, byte[].class);
      respond.setAccessible(true);
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      throw new IllegalArgumentException(
          option + " " + spec + ": class " + e.getMessage() + " not found on --client-path");
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          option
              + " "
              + spec
              + ": needs a public method byte[] respond(int leg, byte[] challenge) and a"
              + " constructor taking "
              + (argument == null ? "nothing" : "one String")
              + " ("
              + e.getMessage()
              + ")");
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          option + " " + spec + ": could not be constructed: " + cause(e));
    } catch (LinkageError e) {
      // A static initialiser that threw, a class built for a newer Java, a dependency missing.
      throw new IllegalArgumentException(
          option
              + " "
              + spec
              + ": could not be loaded: "
              + (e instanceof ExceptionInInitializerError && e.getCause() != null
                  ? "its static initialiser threw " + e.getCause()
                  : e)
              + (e instanceof UnsupportedClassVersionError
                  ? " (compile it for Java "
                      + Runtime.version().feature()
                      + " or older: javac --release "
                      + Runtime.version().feature()
                      + ")"
                  : ""));
    }
    if (respond.getReturnType() != byte[].class) {
      throw new IllegalArgumentException(option + " " + spec + ": respond must return byte[]");
    }
    Object target = client;
    Method method = respond;
    return (leg, challenge) -> {
      try {
        return (byte[]) method.invoke(target, leg, challenge);
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(option + " " + spec + " threw", e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static Throwable cause(ReflectiveOperationException e) {
    return e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
  }

  @Override
  public void close() throws IOException {
    loader.close();
  }
}
