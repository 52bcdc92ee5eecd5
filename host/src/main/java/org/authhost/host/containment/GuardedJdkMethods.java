package org.authhost.host.containment;

import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.authhost.host.containment.boot.ContainmentBridge;

/**
 * The JDK methods the guard rewrites, and how: at their entry, inlined, a call to {@link
 * ContainmentBridge#check} with the method's name and the argument the check needs. The JDK's own
 * methods, not the plug-in's call sites, because reflection and method handles reach them without a
 * call site (Elasticsearch's entitlements instrument the JDK for the same reason).
 */
final class GuardedJdkMethods {
  /**
   * The platform MBean that runs {@code jcmd}'s commands in process, {@code jvmtiAgentLoad} among
   * them: an agent loaded through it needs no attach mechanism.
   */
  static final String DIAGNOSTIC_COMMANDS = "com.sun.management.internal.DiagnosticCommandImpl";

  /** The classes rewritten; each must be, or the guard is incomplete. */
  static final List<String> TYPES =
      List.of(
          "java.lang.Runtime",
          "java.lang.reflect.AccessibleObject",
          "java.lang.reflect.Field",
          "java.lang.reflect.Method",
          "java.lang.reflect.Constructor",
          "java.lang.invoke.MethodHandles",
          "jdk.internal.misc.Signal",
          DIAGNOSTIC_COMMANDS);

  private GuardedJdkMethods() {}

  /**
   * Rewrites the loaded JDK classes.
   *
   * @return the classes that could not be rewritten, with why (empty when all were)
   */
  static List<String> install(Instrumentation instrumentation) {
    Set<String> done = ConcurrentHashMap.newKeySet();
    List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    ElementMatcher.Junction<MethodDescription> setAccessible =
        named("setAccessible").and(takesArguments(boolean.class)).and(not(isStatic()));
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        // The JDK's classes are exactly what is wanted here, which the default ignores.
        .ignore(none())
        .with(
            new AgentBuilder.Listener.Adapter() {
              @Override
              public void onTransformation(
                  TypeDescription type,
                  ClassLoader loader,
                  JavaModule module,
                  boolean loaded,
                  DynamicType dynamicType) {
                done.add(type.getName());
              }

              @Override
              public void onError(
                  String type,
                  ClassLoader loader,
                  JavaModule module,
                  boolean loaded,
                  Throwable error) {
                errors.add(type + ": " + error);
              }
            })
        .type(named("java.lang.Runtime"))
        .transform(
            advice(
                ExitAdvice.class, named("exit").or(named("halt")).and(takesArguments(int.class))))
        .type(named("java.lang.reflect.AccessibleObject"))
        .transform(advice(AccessAdvice.class, setAccessible))
        .transform(advice(TryAccessAdvice.class, named("trySetAccessible")))
        .transform(
            advice(
                AccessAllAdvice.class,
                named("setAccessible").and(isStatic()).and(takesArguments(2))))
        .type(
            named("java.lang.reflect.Field")
                .or(named("java.lang.reflect.Method"))
                .or(named("java.lang.reflect.Constructor")))
        .transform(advice(AccessAdvice.class, setAccessible))
        .type(named("java.lang.invoke.MethodHandles"))
        .transform(advice(PrivateLookupAdvice.class, named("privateLookupIn")))
        .type(named("jdk.internal.misc.Signal"))
        .transform(
            advice(
                SignalAdvice.class,
                isStatic().and(named("raise").or(named("handle"))).and(not(isNative()))))
        .type(named(DIAGNOSTIC_COMMANDS))
        .transform(advice(DiagnosticCommandAdvice.class, named("invoke").and(takesArguments(3))))
        .installOn(instrumentation);
    for (String type : TYPES) {
      if (!done.contains(type) && errors.stream().noneMatch(e -> e.startsWith(type + ":"))) {
        errors.add(type + ": not rewritten");
      }
    }
    return List.copyOf(errors);
  }

  private static AgentBuilder.Transformer advice(
      Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
    return (builder, type, loader, module, domain) -> builder.visit(Advice.to(advice).on(methods));
  }

  /** {@code Runtime.exit(int)}, {@code Runtime.halt(int)}. */
  static final class ExitAdvice {
    private ExitAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t.#m") String method, @Advice.Argument(0) int status) {
      ContainmentBridge.check(method, Integer.valueOf(status));
    }
  }

  /** {@code setAccessible(boolean)} of AccessibleObject, Field, Method and Constructor. */
  static final class AccessAdvice {
    private AccessAdvice() {}

    @Advice.OnMethodEnter
    static void enter(
        @Advice.Origin("#t.#m") String method,
        @Advice.This Object member,
        @Advice.Argument(0) boolean flag) {
      if (flag) {
        ContainmentBridge.check(method, member);
      }
    }
  }

  /**
   * {@code AccessibleObject.trySetAccessible()}: a refusal answers false, as the JDK's own refusal
   * does (libraries probe with it and go on without access).
   */
  static final class TryAccessAdvice {
    private TryAccessAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Origin("#t.#m") String method, @Advice.This Object member) {
      return !ContainmentBridge.allows(method, member);
    }

    @Advice.OnMethodExit
    static void exit(
        @Advice.Enter boolean refused, @Advice.Return(readOnly = false) boolean accessible) {
      if (refused) {
        accessible = false;
      }
    }
  }

  /** {@code AccessibleObject.setAccessible(AccessibleObject[], boolean)}. */
  static final class AccessAllAdvice {
    private AccessAllAdvice() {}

    @Advice.OnMethodEnter
    static void enter(
        @Advice.Origin("#t.#m") String method,
        @Advice.Argument(0) Object members,
        @Advice.Argument(1) boolean flag) {
      if (flag) {
        ContainmentBridge.check(method, members);
      }
    }
  }

  /** {@code jdk.internal.misc.Signal.raise} and {@code handle} (sun.misc.Signal's). */
  static final class SignalAdvice {
    private SignalAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t.#m") String method, @Advice.Argument(0) Object signal) {
      ContainmentBridge.check(method, String.valueOf(signal));
    }
  }

  /** {@code DiagnosticCommandImpl.invoke(String, Object[], String[])}: the command's name. */
  static final class DiagnosticCommandAdvice {
    private DiagnosticCommandAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t.#m") String method, @Advice.Argument(0) String command) {
      ContainmentBridge.check(method, String.valueOf(command));
    }
  }

  /** {@code MethodHandles.privateLookupIn(Class, Lookup)}: private access without setAccessible. */
  static final class PrivateLookupAdvice {
    private PrivateLookupAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t.#m") String method, @Advice.Argument(0) Class<?> target) {
      ContainmentBridge.check(method, target);
    }
  }
}
