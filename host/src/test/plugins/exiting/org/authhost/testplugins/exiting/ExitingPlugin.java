package org.authhost.testplugins.exiting;

import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * Tries to end the host's process, the way its {@code how} property says: {@code exit}
 * (System.exit(3) in Authenticate), {@code reflect} (Runtime.exit(4) through reflection), {@code
 * handle} (Runtime.exit(6) through a method handle), {@code thread} (Runtime.halt(5) from a thread
 * it starts in Authenticate, which succeeds), {@code proxy} (Runtime.exit(8) on such a thread,
 * where a JDK proxy of a method handle leaves no frame of the plug-in's), {@code enable}
 * (System.exit(7) in EnablePlugin), or in EnablePlugin, where it fails if it survives: {@code pool}
 * (Runtime.halt(10) from such a proxy, made in the host's loader, on the common pool), {@code
 * cleared} (Runtime.halt(11) from one on a thread with no context class loader) or {@code signal}
 * (raises SIGTERM). A latch a test put in the system properties under the name its {@code done}
 * property gives is counted down when the thread has tried.
 */
public final class ExitingPlugin extends TestPlugin {
  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    switch (values.get("how", "")) {
      case "enable" -> System.exit(7);
      case "pool" -> {
        // Runtime.halt(10) on the JDK's common pool: no frame of this plug-in's on that thread,
        // and the proxy lands in the host's loader (the context loader when it is made).
        // Waited for with a latch: get() or join() may run the task on this very thread.
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // Through execute: CompletableFuture swaps a one-thread common pool for a thread per task.
        CompletableFuture.runAsync(withoutAFrame(10), ForkJoinPool.commonPool()::execute)
            .whenComplete(
                (none, e) -> {
                  failed.set(e);
                  ran.countDown();
                });
        try {
          ran.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        throw new IllegalStateException("the pool task failed", failed.get());
      }
      case "cleared" -> {
        // Runtime.halt(11) on a thread with no context class loader and no frame of this one's.
        Thread t = new Thread(withoutAFrame(11), "cleared-context-thread");
        t.setContextClassLoader(null);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        t.setUncaughtExceptionHandler((thread, e) -> failed.set(e));
        t.start();
        try {
          t.join();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        throw new IllegalStateException("the thread failed", failed.get());
      }
      case "signal" -> sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
      default -> {}
    }
    return HResult.S_OK;
  }

  /** A JDK proxy of a method handle that calls Runtime.halt(status), made in the host's loader. */
  private static Runnable withoutAFrame(int status) {
    Thread self = Thread.currentThread();
    ClassLoader saved = self.getContextClassLoader();
    self.setContextClassLoader(ClassLoader.getSystemClassLoader());
    try {
      return MethodHandleProxies.asInterfaceInstance(
          Runnable.class,
          MethodHandles.insertArguments(
              MethodHandles.publicLookup()
                  .findVirtual(Runtime.class, "halt", MethodType.methodType(void.class, int.class)),
              0,
              Runtime.getRuntime(),
              status));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    } finally {
      self.setContextClassLoader(saved);
    }
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
        // Answered first: the refusal takes the plug-in out of service, which would race the
        // logon the answer makes.
        HResult answered = super.authenticate(self, callback, context);
        onThread(() -> Runtime.getRuntime().halt(5));
        return answered;
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
          HResult answered = super.authenticate(self, callback, context);
          onThread(exit);
          return answered;
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      default -> throw new IllegalArgumentException("how?");
    }
    return super.authenticate(self, callback, context);
  }
}
