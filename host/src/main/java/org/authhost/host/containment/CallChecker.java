package org.authhost.host.containment;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.authhost.api.HResult;

/**
 * The rules behind the rewritten JDK methods (see {@link GuardedJdkMethods}).
 *
 * <ul>
 *   <li>Ending the process ({@code Runtime.exit}, {@code Runtime.halt}, which {@code System.exit}
 *       calls, raising a signal and handling TERM, INT or HUP) and running a diagnostic command in
 *       process (which can load an agent) are allowed only to known host callers: no frame on the
 *       stack is contained code, and the nearest frame that is not the JDK's is of the host's class
 *       loader, with no JDK proxy in between (a proxy of a method handle is how code leaves no
 *       frame of its own). A stack of JDK frames alone, or one whose nearest caller came from an
 *       unknown loader, is refused: the thread's context class loader then only names whom to
 *       report.
 *   <li>{@code setAccessible(true)}, {@code trySetAccessible()} and {@code privateLookupIn} are
 *       refused when they reach into the host (its packages, or any class of the host's loader but
 *       the API and proxies) or into another plug-in, gain something (a public member of a public
 *       class is accessible anyway), and contained code decided to make them (see {@link
 *       #decider}): a plug-in driving the host's Jackson is still the plug-in, while the host
 *       reflecting into itself during a plug-in's call (Guice, Jackson, Netty on a plug-in's
 *       thread) is the host. A refused {@code trySetAccessible} answers false, quietly: libraries
 *       probe with it.
 * </ul>
 *
 * <p>Frames are told apart by their class loader, never by their name alone: a plug-in may name its
 * classes anything (its loader refuses the host's and the JDK's packages too).
 *
 * <p>The common case costs nothing: before the first plug-in loader exists no check is made, and a
 * reflective call on a JDK class (most of them) is let through before the stack is looked at.
 */
final class CallChecker implements BiConsumer<String, Object>, BiPredicate<String, Object> {
  private static final StackWalker STACK =
      StackWalker.getInstance(
          Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));
  private static final String HOST_PACKAGE = "org.authhost.host.";
  private static final String OWN_PACKAGE = CallChecker.class.getPackageName() + ".";
  private static final String API_PACKAGE = HResult.class.getPackageName() + ".";
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  /** The JDK's reflection and method-handle plumbing: frames that only pass a call on. */
  private static final List<String> TRANSPARENT =
      List.of("java.lang.reflect.", "java.lang.invoke.", "jdk.internal.reflect.");

  /** The guarded calls under the exit rule; the rest are reflective access. */
  private static final Set<String> ENDING =
      Set.of(
          "java.lang.Runtime.exit",
          "java.lang.Runtime.halt",
          "jdk.internal.misc.Signal.raise",
          "jdk.internal.misc.Signal.handle",
          GuardedJdkMethods.DIAGNOSTIC_COMMANDS + ".invoke");

  /** The signals whose handler ends the process (the JDK's Terminator's). */
  private static final Set<String> ENDING_SIGNALS = Set.of("SIGTERM", "SIGINT", "SIGHUP");

  private static volatile boolean armed;

  private final ClassLoader hostLoader = CallChecker.class.getClassLoader();

  /** A contained loader exists: from now on calls are checked. */
  static void arm() {
    armed = true;
  }

  /**
   * Whether a call may concern the guard: asked by the bridge before anything else, so it reads
   * only the class and its loaders. Armed, and an ending call or a reflected class it guards.
   */
  @Override
  public boolean test(String method, Object target) {
    if (!armed) {
      return false;
    }
    if (target instanceof Object[] || ENDING.contains(method)) {
      return true;
    }
    Class<?> owner = declaringClass(target);
    return owner != null && guarded(owner);
  }

  @Override
  public void accept(String method, Object target) {
    if (!armed) {
      return;
    }
    if (ENDING.contains(method)) {
      if (method.endsWith(".handle") && !ENDING_SIGNALS.contains(String.valueOf(target))) {
        return;
      }
      checkEnding(method, target);
    } else {
      checkAccess(method, target);
    }
  }

  private void checkEnding(String method, Object argument) {
    Caller caller = STACK.walk(this::endingCaller);
    if (caller == HOST) {
      return;
    }
    String kind = simpleName(method);
    boolean diagnostic = method.startsWith(GuardedJdkMethods.DIAGNOSTIC_COMMANDS);
    refuse(
        caller,
        new ForbiddenCall(
            kind,
            kind + "(" + argument + ")",
            caller.where(),
            diagnostic
                ? "a plug-in must not run the JVM's diagnostic commands (they load agents); use"
                    + " what the API hands it"
                : "a plug-in must not end the host's process; the host goes on without it. Return"
                    + " a failure HResult, or log an ERROR event, instead"));
  }

  /** A caller the rules let through. */
  private static final Caller HOST = new Caller(null, "the host");

  /**
   * Who is ending the process: {@link #HOST} only if no frame is contained and the nearest frame
   * that is not the JDK's (nor the guard's) is the host loader's, reached without a JDK proxy.
   */
  private Caller endingCaller(Stream<StackWalker.StackFrame> frames) {
    Caller nearest = null;
    boolean proxied = false;
    for (Iterator<StackWalker.StackFrame> i = frames.iterator(); i.hasNext(); ) {
      StackWalker.StackFrame frame = i.next();
      Class<?> type = frame.getDeclaringClass();
      ContainedLoader contained = contained(type);
      if (contained != null) {
        return new Caller(contained, where(frame));
      }
      if (nearest != null || guardsOwn(type)) {
        continue;
      }
      if (Proxy.isProxyClass(type)) {
        proxied = true;
      } else if (!jdk(type)) {
        nearest =
            type.getClassLoader() == hostLoader && !proxied
                ? HOST
                : byContextLoader(where(frame) + ", code of no known plug-in");
      }
    }
    return nearest != null ? nearest : byContextLoader("a JDK thread or proxy, no host code");
  }

  private void checkAccess(String method, Object target) {
    if (target instanceof Object[] members) {
      for (Object member : members) {
        checkAccess(method, member);
      }
      return;
    }
    Class<?> owner = declaringClass(target);
    if (owner == null || !guarded(owner) || gainsNothing(target)) {
      return;
    }
    Caller caller = STACK.walk(this::decider);
    if (caller == HOST || (caller.loader() != null && caller.loader() == contained(owner))) {
      return;
    }
    String kind = simpleName(method);
    String into =
        contained(owner) != null
            ? "another plug-in ('" + contained(owner).pluginId() + "')"
            : "the host";
    ForbiddenCall call =
        new ForbiddenCall(
            kind,
            kind + (target instanceof Class<?> ? "" : "(true)") + " on " + describe(target),
            caller.where(),
            "a plug-in must not reach into the private state of "
                + into
                + "; use what the API hands it");
    if (method.endsWith(".trySetAccessible")) {
      // Answered false by the bridge, not reported: the probe of a library that copes without.
      throw new ForbiddenCallException(call);
    }
    refuse(caller, call);
  }

  /** Whether reflection into this class is checked at all: the host's, or a plug-in's. */
  private boolean guarded(Class<?> owner) {
    if (contained(owner) != null) {
      return true;
    }
    if (Proxy.isProxyClass(owner)) {
      // A JDK proxy (of an API interface, say) lands in the host's loader: nothing of the host's.
      return false;
    }
    if (owner.getName().startsWith(HOST_PACKAGE)) {
      return true;
    }
    ClassLoader loader = owner.getClassLoader();
    return descendsFrom(loader, hostLoader) && !owner.getName().startsWith(API_PACKAGE);
  }

  /**
   * Whether access is public anyway: a public member (not a final field, which setAccessible would
   * make writable) of a public class. Jackson makes public getters accessible by default.
   */
  private static boolean gainsNothing(Object target) {
    if (!(target instanceof Member member)
        || !Modifier.isPublic(member.getModifiers())
        || !Modifier.isPublic(member.getDeclaringClass().getModifiers())) {
      return false;
    }
    return !(member instanceof Field) || !Modifier.isFinal(member.getModifiers());
  }

  /** Contained code that decided a call, and where; a null loader is code of no known plug-in. */
  private record Caller(ContainedLoader loader, String where) {}

  /**
   * Who decided the reflective call on the stack, if contained code. Reflection and method handles
   * in between are only the way it was called; {@code Class} deciding for itself (Enum.valueOf
   * makes the enum's values() accessible) is the JDK's business; libraries, proxies and the rest of
   * the JDK in between (the host's Jackson) are whoever drives them: the nearest contained or host
   * frame. A stack with neither is the plug-in's whose loader is the thread's context class loader,
   * which a thread inherits from the one that made it; and if there is none, refused when a JDK
   * proxy was on the way (a proxy of a method handle run on a pool leaves no frame of its maker's).
   */
  private Caller decider(Stream<StackWalker.StackFrame> frames) {
    boolean first = true;
    boolean proxied = false;
    for (Iterator<StackWalker.StackFrame> i = frames.iterator(); i.hasNext(); ) {
      StackWalker.StackFrame frame = i.next();
      Class<?> type = frame.getDeclaringClass();
      ContainedLoader loader = contained(type);
      if (loader != null) {
        return new Caller(loader, where(frame));
      }
      String name = type.getName();
      if (guardsOwn(type) || (jdk(type) && TRANSPARENT.stream().anyMatch(name::startsWith))) {
        continue;
      }
      if (Proxy.isProxyClass(type)) {
        proxied = true;
        continue;
      }
      if (first
          && type.getClassLoader() == null
          && (name.equals("java.lang.Class") || name.startsWith("java.lang.Class$"))) {
        return HOST;
      }
      first = false;
      if (type.getClassLoader() == hostLoader && name.startsWith(HOST_PACKAGE)) {
        return HOST;
      }
    }
    Caller byContext = byContextLoader("a JDK proxy on a thread with no host code");
    return byContext.loader() != null || proxied ? byContext : HOST;
  }

  /** The guard's own frames: its classes in the host's loader, its bridge in the boot loader. */
  private boolean guardsOwn(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return (loader == hostLoader || loader == null) && type.getName().startsWith(OWN_PACKAGE);
  }

  /** The JDK's own classes: the boot and platform loaders'. */
  private static boolean jdk(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader == PLATFORM;
  }

  /**
   * The plug-in of the thread's context class loader, for a stack with no frame of a plug-in's;
   * else code of no known plug-in, at {@code where}.
   */
  private static Caller byContextLoader(String where) {
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    for (ClassLoader l = context; l != null; l = l.getParent()) {
      if (l instanceof ContainedLoader c) {
        return new Caller(c, "thread '" + thread.getName() + "' (made by the plug-in's code)");
      }
    }
    return new Caller(null, "unknown code (" + where + ", thread '" + thread.getName() + "')");
  }

  private static void refuse(Caller caller, ForbiddenCall call) {
    try {
      if (caller.loader() != null) {
        caller.loader().refused(call);
      }
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
