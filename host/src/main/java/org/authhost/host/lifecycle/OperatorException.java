package org.authhost.host.lifecycle;

import java.nio.file.Path;

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

  /**
   * {@code host/port-in-use}: a listener could not bind.
   *
   * @param listener what could not listen, e.g. "the RTSP front"
   * @param where the address and port, as {@code 127.0.0.1:8554}
   * @param setting the {@code host.json} key naming the port
   * @param hostJson the configuration file the setting is in
   * @param zeroPicksOne whether the setting takes 0 for "any free port"
   */
  public static OperatorException portInUse(
      String listener,
      String where,
      String setting,
      Path hostJson,
      boolean zeroPicksOne,
      Exception cause) {
    return new OperatorException(
        "host/port-in-use",
        listener
            + " cannot listen on "
            + where
            + " ("
            + cause.getMessage()
            + ") ("
            + setting
            + " in "
            + hostJson
            + ")",
        "stop the program that holds the port, or set "
            + setting
            + " to a free port"
            + (zeroPicksOne ? " (0 picks one)" : ""),
        cause);
  }

  /** The stable id. */
  public String id() {
    return id;
  }
}
