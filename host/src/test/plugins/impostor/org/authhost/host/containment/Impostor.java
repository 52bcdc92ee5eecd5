package org.authhost.host.containment;

/** Reads the first field of what it is given, private or not: named as the guard's own code. */
public final class Impostor {
  private Impostor() {}

  public static Object read(Object target) throws ReflectiveOperationException {
    var first = target.getClass().getDeclaredFields()[0];
    first.setAccessible(true);
    return first.get(target);
  }
}
