package org.authhost.testplugins.snooping;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.HResult;
import org.authhost.testplugins.TestPlugin;

/**
 * Reaches for the host's private state through the server context it was handed, the way its {@code
 * how} property says: {@code field} (setAccessible on its private fields), {@code lookup}
 * (MethodHandles.privateLookupIn on its class), {@code jackson} (the host's own Jackson, loaded
 * through the context's class loader, told to read private fields), {@code neighbour} (a field of
 * another plug-in's instance, which the test put in the system properties), {@code agent} (the
 * JVM's diagnostic command that loads an agent), {@code pool} (setAccessible from a JDK proxy on
 * the common pool, whose refusal it throws on) or, which all succeed, {@code own} (a private field
 * of its own, which is its business), {@code try} (trySetAccessible on the host's field: false),
 * {@code apiproxy} (a JDK proxy of an API interface) or {@code publicbean} (the host's Jackson, as
 * it comes, writing a public host class the test put in the system properties). What it got is kept
 * in the system properties under the name its {@code loot} property gives.
 */
public final class SnoopingPlugin extends TestPlugin {
  private final String secret = "mine";

  @Override
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    Object loot;
    try {
      loot =
          switch (values.get("how", "field")) {
            case "field" -> {
              Field first = server.getClass().getDeclaredFields()[0];
              first.setAccessible(true);
              yield first.get(server);
            }
            case "lookup" ->
                MethodHandles.privateLookupIn(server.getClass(), MethodHandles.lookup());
            case "jackson" -> {
              ClassLoader host = server.getClass().getClassLoader();
              Class<?> mapperType = host.loadClass("com.fasterxml.jackson.databind.ObjectMapper");
              Object mapper = mapperType.getConstructor().newInstance();
              Class<?> accessor =
                  host.loadClass("com.fasterxml.jackson.annotation.PropertyAccessor");
              Class<?> visibility =
                  host.loadClass("com.fasterxml.jackson.annotation.JsonAutoDetect$Visibility");
              mapperType
                  .getMethod("setVisibility", accessor, visibility)
                  .invoke(mapper, enumValue(accessor, "FIELD"), enumValue(visibility, "ANY"));
              yield mapperType
                  .getMethod("convertValue", Object.class, Class.class)
                  .invoke(mapper, server, Map.class);
            }
            case "neighbour" -> {
              // Another plug-in's instance, put where this one finds it (by the test).
              Object other = System.getProperties().get(values.get("loot", "") + ".neighbour");
              Class<?> type = other.getClass();
              while (type.getSuperclass() != Object.class) {
                type = type.getSuperclass();
              }
              Field field = type.getDeclaredField("server");
              field.setAccessible(true);
              yield field.get(other);
            }
            case "own" -> {
              Field own = SnoopingPlugin.class.getDeclaredField("secret");
              own.setAccessible(true);
              yield own.get(this);
            }
            case "pool" -> {
              // The agent-loading diagnostic command from a JDK proxy of a method handle on the
              // common pool: no frame of this plug-in's, the proxy in the host's loader. The
              // refusal, which names no plug-in, is thrown on from Authenticate: the failure must
              // still be reported.
              MethodHandle invoke =
                  MethodHandles.publicLookup()
                      .findVirtual(
                          MBeanServerConnection.class,
                          "invoke",
                          MethodType.methodType(
                              Object.class,
                              ObjectName.class,
                              String.class,
                              Object[].class,
                              String[].class));
              MethodHandle bound =
                  MethodHandles.insertArguments(
                      invoke,
                      0,
                      ManagementFactory.getPlatformMBeanServer(),
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "jvmtiAgentLoad",
                      new Object[] {new String[] {"/nonexistent/agent.jar"}},
                      new String[] {String[].class.getName()});
              Thread current = Thread.currentThread();
              ClassLoader saved = current.getContextClassLoader();
              current.setContextClassLoader(ClassLoader.getSystemClassLoader());
              Runnable run;
              try {
                run =
                    MethodHandleProxies.asInterfaceInstance(
                        Runnable.class, MethodHandles.dropReturn(bound));
              } finally {
                current.setContextClassLoader(saved);
              }
              CountDownLatch ran = new CountDownLatch(1);
              AtomicReference<Throwable> failed = new AtomicReference<>();
              // Through execute: CompletableFuture swaps a one-thread common pool for a thread per
              // task.
              CompletableFuture.runAsync(run, ForkJoinPool.commonPool()::execute)
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
              Throwable refusal = failed.get();
              if (refusal == null) {
                yield "agent loaded";
              }
              while (refusal.getCause() != null) {
                refusal = refusal.getCause();
              }
              throw (RuntimeException) refusal;
            }
            case "try" -> {
              // The probe a library makes: answered false, not thrown, not held against it.
              Field first = server.getClass().getDeclaredFields()[0];
              yield String.valueOf(first.trySetAccessible());
            }
            case "apiproxy" -> {
              // The JDK defines a proxy of an API interface in the API's (the host's) loader.
              Object proxy =
                  Proxy.newProxyInstance(
                      AuthenticationCallback.class.getClassLoader(),
                      new Class<?>[] {AuthenticationCallback.class},
                      (self1, method, args) -> null);
              yield "proxied " + (proxy instanceof AuthenticationCallback);
            }
            case "publicbean" -> {
              // The host's Jackson as it comes: it makes public getters of public classes
              // accessible, a host class's among them (one the test put in the system
              // properties).
              Object bean = System.getProperties().get(values.get("loot", "") + ".bean");
              ClassLoader host = bean.getClass().getClassLoader();
              Class<?> mapperType = host.loadClass("com.fasterxml.jackson.databind.ObjectMapper");
              Object mapper = mapperType.getConstructor().newInstance();
              yield mapperType.getMethod("writeValueAsString", Object.class).invoke(mapper, bean);
            }
            case "agent" -> {
              // jcmd's JVMTI.agent_load in process, which needs no attach mechanism.
              yield ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "jvmtiAgentLoad",
                      new Object[] {new String[] {"/nonexistent/agent.jar"}},
                      new String[] {String[].class.getName()});
            }
            default -> throw new IllegalArgumentException("how?");
          };
    } catch (ReflectiveOperationException | JMException e) {
      throw new IllegalStateException(e);
    }
    System.getProperties().put(values.get("loot", ""), loot);
    return super.authenticate(self, callback, context);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumValue(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }
}
