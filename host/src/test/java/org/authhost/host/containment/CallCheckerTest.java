package org.authhost.host.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.authhost.api.HResult;
import org.authhost.host.testing.PluginJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard tells code apart by its class loader, not its name: contained code named as the guard's
 * own is still contained, even when the host calls it directly (no other frame of its). The plug-in
 * loader refuses such names; a loader a plug-in makes itself is contained all the same (this one
 * stands for it: the edge where the guard meets a loader it was not given).
 */
class CallCheckerTest {
  @TempDir Path root;

  /** Contained, as a loader that descends from a plug-in's is. */
  private static final class Contained extends URLClassLoader implements ContainedLoader {
    final List<ForbiddenCall> refusals = new CopyOnWriteArrayList<>();

    Contained(URL jar) {
      super("plugin:impostor", new URL[] {jar}, ClassLoader.getPlatformClassLoader());
    }

    @Override
    public String pluginId() {
      return "impostor";
    }

    @Override
    public void refused(ForbiddenCall call) {
      refusals.add(call);
    }
  }

  /** The host's private state. */
  private static final class Secret {
    private final String token = "TOKEN";

    @Override
    public String toString() {
      return token;
    }
  }

  @Test
  void containedCodeNamedAsTheGuardsOwnIsStillRefused() throws Exception {
    Containment.Status status = Containment.install();
    assertTrue(status.active(), status.detail());
    Containment.arm();
    Path jar =
        PluginJar.of("impostor", "org.authhost.host.containment.ImpostorPlugin")
            .compiledAgainst(
                Path.of(HResult.class.getProtectionDomain().getCodeSource().getLocation().toURI()))
            .writeTo(root, "impostor.jar");
    try (Contained loader = new Contained(jar.toUri().toURL())) {
      Class<?> impostor = loader.loadClass("org.authhost.host.containment.Impostor");
      assertEquals(loader, impostor.getClassLoader());

      // Called by the host directly: the frame below the impostor's is this test's, a host frame.
      InvocationTargetException e =
          assertThrows(
              InvocationTargetException.class,
              () -> impostor.getMethod("read", Object.class).invoke(null, new Secret()));

      assertInstanceOf(ForbiddenCallException.class, e.getCause());
      assertEquals(1, loader.refusals.size(), loader.refusals.toString());
      ForbiddenCall call = loader.refusals.get(0);
      assertEquals(
          "Field.setAccessible(true) on " + Secret.class.getName() + ".token", call.call());
      assertEquals("org.authhost.host.containment.Impostor.read", call.from());
    }
  }
}
