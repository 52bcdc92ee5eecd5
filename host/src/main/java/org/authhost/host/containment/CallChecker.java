package org.authhost.host.containment;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Member;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.authhost.api.HResult;

/**
 * The rules behind the rewritten JDK methods (see {@link GuardedJdkMethods}).
 *
 * <ul>
 *   <li>{@code Runtime.exit} and {@code Runtime.halt} ({@code System.exit} calls the first) are
 *       refused when any frame on the stack is contained code: the plug-in's own thread, a method
 *       handle or a reflective call from it all leave its frame on the stack (else, as a last
 *       resort, when the thread's context class loader is a plug-in's).
 *   <li>{@code setAccessible(true)}, {@code trySetAccessible()} and {@code privateLookupIn} are
 *       refused when they reach into the host (its packages, or any class of the host's loader but
 *       the API) or into another plug-in, and contained code decided to make them (see {@link
 *       #decider}): a plug-in driving the host's Jackson is still the plug-in, while the host
 *       reflecting into itself during a plug-in's call (Guice, Jackson, Netty on a plug-in's
 *       thread) is the host.
 * </ul>
 *
 * <p>The common case costs nothing: before the first plug-in loader exists no check is made, and a
 * reflective call on a JDK class (most of them) is let through before the stack is looked at.
 */
final class CallChecker implements BiConsumer<String, Object> {
  private static final StackWalker STACK =
      StackWalker.getInstance(
          Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));
  private static final String HOST_PACKAGE = "org.authhost.host.";
  private static final String OWN_PACKAGE = CallChecker.class.getPackageName() + ".";
  private static final String API_PACKAGE = HResult.class.getPackageName() + ".";

  /** The JDK's reflection and method-handle plumbing: frames that only pass a call on. */
  private static final List<String> TRANSPARENT =
      List.of("java.lang.reflect.", "java.lang.invoke.", "jdk.internal.reflect.");

  private static volatile boolean armed;

  private final ClassLoader hostLoader = CallChecker.class.getClassLoader();

  /** A contained loader exists: from now on calls are checked. */
  static void arm() {
    armed = true;
  }

  @Override
  public void accept(String method, Object target) {
    if (!armed) {
      return;
    }
    if (target instanceof Integer status) {
      checkExit(method, status);
    } else {
      checkAccess(method, target);
    }
  }

  private void checkExit(String method, int status) {
    Caller caller =
        STACK
            .walk(
                frames ->
                    frames
                        .filter(f -> contained(f.getDeclaringClass()) != null)
                        .map(f -> new Caller(contained(f.getDeclaringClass()), where(f)))
                        .findFirst())
            .orElseGet(CallChecker::byContextLoader);
    if (caller == null) {
      return;
    }
    String kind = simpleName(method);
    refuse(
        caller.loader(),
        new ForbiddenCall(
            kind,
            kind + "(" + status + ")",
            caller.where(),
            "a plug-in must not end the host's process; the host goes on without it. Return a"
                + " failure HResult, or log an ERROR event, instead"));
  }

  private void checkAccess(String method, Object target) {
    if (target instanceof Object[] members) {
      for (Object member : members) {
        checkAccess(method, member);
      }
      return;
    }
    Class<?> owner = declaringClass(target);
    if (owner == null || !guarded(owner)) {
      return;
    }
    Caller caller = STACK.walk(this::decider);
    if (caller == null || caller.loader() == contained(owner)) {
      return;
    }
    String kind = simpleName(method);
    String into =
        contained(owner) != null
            ? "another plug-in ('" + contained(owner).pluginId() + "')"
            : "the host";
    refuse(
        caller.loader(),
        new ForbiddenCall(
            kind,
            kind + (target instanceof Class<?> ? "" : "(true)") + " on " + describe(target),
            caller.where(),
            "a plug-in must not reach into the private state of "
                + into
                + "; use what the API hands it"));
  }

  /** Whether reflection into this class is checked at all: the host's, or a plug-in's. */
  private boolean guarded(Class<?> owner) {
    if (owner.getName().startsWith(HOST_PACKAGE) || contained(owner) != null) {
      return true;
    }
    ClassLoader loader = owner.getClassLoader();
    return descendsFrom(loader, hostLoader) && !owner.getName().startsWith(API_PACKAGE);
  }

  /** Contained code that decided a reflective call, and where. */
  private record Caller(ContainedLoader loader, String where) {}

  /**
   * Who decided the reflective call on the stack, if contained code. Reflection and method handles
   * in between are only the way it was called; {@code Class} deciding for itself (Enum.valueOf
   * makes the enum's values() accessible) is the JDK's business; libraries and the rest of the JDK
   * in between (the host's Jackson) are whoever drives them: the nearest contained or host frame. A
   * stack with neither (a thread the plug-in started on a JDK proxy of a method handle) is the
   * plug-in's whose loader is the thread's context class loader, which a thread inherits from the
   * one that made it.
   */
  private Caller decider(Stream<StackWalker.StackFrame> frames) {
    boolean first = true;
    for (Iterator<StackWalker.StackFrame> i = frames.iterator(); i.hasNext(); ) {
      StackWalker.StackFrame frame = i.next();
      Class<?> type = frame.getDeclaringClass();
      String name = type.getName();
      if (name.startsWith(OWN_PACKAGE) || TRANSPARENT.stream().anyMatch(name::startsWith)) {
        continue;
      }
      if (first && (name.equals("java.lang.Class") || name.startsWith("java.lang.Class$"))) {
        return null;
      }
      first = false;
      ContainedLoader loader = contained(type);
      if (loader != null) {
        return new Caller(loader, where(frame));
      }
      if (name.startsWith(HOST_PACKAGE)) {
        return null;
      }
    }
    return byContextLoader();
  }

  /** The thread's context class loader's plug-in, for a stack with no frame of a plug-in's. */
  private static Caller byContextLoader() {
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    for (ClassLoader l = context; l != null; l = l.getParent()) {
      if (l instanceof ContainedLoader c) {
        return new Caller(c, "thread '" + thread.getName() + "' (made by the plug-in's code)");
      }
    }
    return null;
  }

  private static void refuse(ContainedLoader loader, ForbiddenCall call) {
    try {
      loader.refused(call);
    } catch (RuntimeException | Error reportFailed) {
      // The refusal stands whatever the report does.
    }
    throw new ForbiddenCallException(call);
  }

  /** The contained loader of a class: its own loader or an ancestor of it; null if none. */
  static ContainedLoader contained(Class<?> type) {
    for (ClassLoader l = type.getClassLoader(); l != null; l = l.getParent()) {
      if (l instanceof ContainedLoader c) {
        return c;
      }
    }
    return null;
  }

  private static boolean descendsFrom(ClassLoader loader, ClassLoader ancestor) {
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l == ancestor) {
        return true;
      }
    }
    return false;
  }

  private static Class<?> declaringClass(Object target) {
    if (target instanceof Member member) {
      return member.getDeclaringClass();
    }
    if (target instanceof Class<?> type) {
      return type;
    }
    return null;
  }

  private static String describe(Object target) {
    if (target instanceof Class<?> type) {
      return type.getName();
    }
    if (target instanceof Member member) {
      return member.getDeclaringClass().getName() + "." + member.getName();
    }
    return String.valueOf(target instanceof AccessibleObject ? target.getClass() : target);
  }

  private static String where(StackWalker.StackFrame frame) {
    return frame.getClassName() + "." + frame.getMethodName();
  }

  /** {@code java.lang.reflect.Field.setAccessible} → {@code Field.setAccessible}. */
  private static String simpleName(String method) {
    int member = method.lastIndexOf('.');
    return method.substring(method.lastIndexOf('.', member - 1) + 1);
  }
}
