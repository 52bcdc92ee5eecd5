package org.authhost.testplugins.exiting;

import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Tries to end the host's process, the way its {@code how} property says: {@code exit}
 * (System.exit(3) in Authenticate), {@code reflect} (Runtime.exit(4) through reflection), {@code
 * handle} (Runtime.exit(6) through a method handle), {@code thread} (Runtime.halt(5) from a thread
 * it starts in Authenticate, which succeeds), {@code proxy} (Runtime.exit(8) on such a thread,
 * where a JDK proxy of a method handle leaves no frame of the plug-in's) or {@code enable}
 * (System.exit(7) in EnablePlugin). A latch a test put in the system properties under the name its
 * {@code done} property gives is counted down when the thread has tried.
 */
public final class ExitingPlugin extends TestPlugin {
  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    if (values.get("how", "").equals("enable")) {
      System.exit(7);
    }
    return HResult.S_OK;
  }

  /** Runs {@code exit} on a thread of its own; counts the test's latch down once it has tried. */
  private void onThread(Runnable exit) {
    Thread t =
        new Thread(
            () -> {
              try {
                exit.run();
              } catch (SecurityException refused) {
                // What the test expects; the thread ends.
              } finally {
                if (System.getProperties().get(values.get("done", ""))
                    instanceof CountDownLatch done) {
                  done.countDown();
                }
              }
            },
            "exiting-plugin-thread");
    t.start();
  }

  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    switch (values.get("how", "exit")) {
      case "exit" -> System.exit(3);
      case "reflect" -> {
        try {
          Runtime.class.getMethod("exit", int.class).invoke(Runtime.getRuntime(), 4);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      case "handle" -> {
        try {
          MethodHandles.publicLookup()
              .findVirtual(Runtime.class, "exit", MethodType.methodType(void.class, int.class))
              .invoke(Runtime.getRuntime(), 6);
        } catch (Throwable e) {
          throw new IllegalStateException(e);
        }
      }
      case "thread" -> {
        onThread(() -> Runtime.getRuntime().halt(5));
        return super.authenticate(self, callback, context);
      }
      case "proxy" -> {
        // No frame of this plug-in's on the thread that exits: a JDK proxy of a method handle.
        try {
          Runnable exit =
              MethodHandleProxies.asInterfaceInstance(
                  Runnable.class,
                  MethodHandles.insertArguments(
                      MethodHandles.publicLookup()
                          .findVirtual(
                              Runtime.class, "exit", MethodType.methodType(void.class, int.class)),
                      0,
                      Runtime.getRuntime(),
                      8));
          onThread(exit);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        return super.authenticate(self, callback, context);
      }
      default -> throw new IllegalArgumentException("how?");
    }
    return super.authenticate(self, callback, context);
  }
}
