package org.authhost.host.tokens;

import java.util.function.Supplier;
import org.authhost.api.UserContext;

/**
 * The client on whose behalf a plug-in call runs, for the password checks it makes: the host sets
 * it around each {@code Authenticate} call (on the plug-in worker's thread), so that {@code
 * LogonUser} with a password is limited per client address and can tell the host that a check was
 * refused as busy. A plug-in that calls {@code LogonUser} from a thread of its own has no caller:
 * its checks count against the server-wide limits only.
 */
public final class LogonCaller {
  /** What the host wants to hear about the password checks made for one request. */
  public interface Observer {
    /** A slow password check was refused because the verifier is busy: not a wrong password. */
    void slowCheckRefused();

    /** A password was compared with {@code account}'s, right or wrong: a real credential check. */
    void passwordChecked(String account);
  }

  private static final ThreadLocal<UserContext> CURRENT = new ThreadLocal<>();

  private LogonCaller() {}

  /** Runs {@code call} with {@code user} as the caller on this thread. */
  public static <T> T during(UserContext user, Supplier<T> call) {
    UserContext outer = CURRENT.get();
    CURRENT.set(user);
    try {
      return call.get();
    } finally {
      // Set back, never removed (see Impersonation#close): the entry stays in the thread's map.
      CURRENT.set(outer);
    }
  }

  /** The client address of the current caller, or null. */
  public static String address() {
    UserContext user = CURRENT.get();
    return user == null ? null : user.ipAddress();
  }

  /** Tells the current caller, if it listens, that a password of {@code account} was checked. */
  static void passwordChecked(String account) {
    if (CURRENT.get() instanceof Observer observer) {
      observer.passwordChecked(account);
    }
  }

  /** Tells the current caller, if it listens, that its password check was refused as busy. */
  static void refusedAsBusy() {
    if (CURRENT.get() instanceof Observer observer) {
      observer.slowCheckRefused();
    }
  }
}
