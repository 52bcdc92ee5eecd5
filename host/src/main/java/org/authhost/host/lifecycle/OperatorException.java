package org.authhost.host.lifecycle;

/**
 * A failure whose message is the whole story for an operator, Guice-style: a stable id, what is
 * wrong and where, and the fix. Nothing in its stack trace would help them, so a life cycle that
 * fails with it does not log one; whoever started the host prints the message, once, as one line.
 */
public final class OperatorException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String id;

  /**
   * @param id stable id, e.g. {@code host/port-in-use}
   * @param problem what is wrong, naming the setting or file concerned
   * @param fix what the operator should do
   * @param cause the underlying exception, kept for the debug log
   */
  public OperatorException(String id, String problem, String fix, Throwable cause) {
    super("[" + id + "] " + problem + ". Fix: " + fix, cause);
    this.id = id;
  }

  /** The stable id. */
  public String id() {
    return id;
  }
}
