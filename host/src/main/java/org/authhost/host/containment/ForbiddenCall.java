package org.authhost.host.containment;

/**
 * A call of contained code that the guard refused.
 *
 * @param kind what was called, e.g. {@code Runtime.exit} or {@code Field.setAccessible}: one event
 *     per plug-in and kind is enough
 * @param call the call with the argument that made it forbidden, e.g. {@code Runtime.exit(3)} or
 *     {@code Field.setAccessible(true) on org.authhost.host.Foo.secret}
 * @param from the contained method that made it, {@code class.method}
 * @param why why it is refused, and what to do instead
 */
public record ForbiddenCall(String kind, String call, String from, String why) {
  /** One line for the event log and the exception. */
  public String describe() {
    return call + " from " + from + " refused: " + why;
  }
}
