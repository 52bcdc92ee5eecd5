package org.authhost.api;

/**
 * The bits an {@link AuthenticationPlugin} reports from {@link AuthenticationPlugin#getFlags}; they
 * combine with bitwise OR.
 *
 * <p>WMS counterpart: {@code WMS_AUTHENTICATION_FLAGS}, same names and values.
 */
public final class AuthenticationFlags {
  /** Challenge and response are text (Digest is; NTLM is not). */
  public static final int TEXT_CHALLENGE = 0x01;

  /** The client must prompt its user for a user name and password. */
  public static final int CLIENT_SHOWS_UI = 0x02;

  /** No credentials are needed from the client. */
  public static final int ANONYMOUS = 0x04;

  /** The server starts with a challenge; the client's response depends on it. */
  public static final int CHALLENGE_FIRST = 0x08;

  private AuthenticationFlags() {
    throw new AssertionError("constants only");
  }

  /** Whether {@code flags} has every bit of {@code flag}. */
  public static boolean has(int flags, int flag) {
    return (flags & flag) == flag;
  }

  /** The flags as text, e.g. {@code TEXT_CHALLENGE|CHALLENGE_FIRST}, or {@code 0}. */
  public static String toString(int flags) {
    StringBuilder b = new StringBuilder();
    append(b, flags, TEXT_CHALLENGE, "TEXT_CHALLENGE");
    append(b, flags, CLIENT_SHOWS_UI, "CLIENT_SHOWS_UI");
    append(b, flags, ANONYMOUS, "ANONYMOUS");
    append(b, flags, CHALLENGE_FIRST, "CHALLENGE_FIRST");
    int unknown = flags & ~0x0F;
    if (unknown != 0) {
      append(b, unknown, unknown, String.format("0x%X", unknown));
    }
    return b.length() == 0 ? "0" : b.toString();
  }

  private static void append(StringBuilder b, int flags, int flag, String name) {
    if ((flags & flag) != 0) {
      if (b.length() > 0) {
        b.append('|');
      }
      b.append(name);
    }
  }
}
