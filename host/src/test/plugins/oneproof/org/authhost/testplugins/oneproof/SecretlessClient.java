package org.authhost.testplugins.oneproof;

/**
 * A client whose static initialiser throws, as one that reads a missing secrets file as it loads:
 * the command line must say so in one line, not with a stack trace.
 */
public final class SecretlessClient {
  private static final byte[] SECRET = secret();

  private static byte[] secret() {
    throw new IllegalStateException("no secrets file");
  }

  public byte[] respond(int leg, byte[] challenge) {
    return SECRET;
  }
}
