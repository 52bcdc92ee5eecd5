package org.authhost.host.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.Optional;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.host.tokens.LogonCaller;
import org.authhost.host.tokens.PasswordCheck;
import org.authhost.host.tokens.TokenTable;
import org.junit.jupiter.api.Test;

/**
 * A busy password check reaches the request it was made for: the plug-in sees {@code
 * NS_E_NO_NEW_CONNECTIONS}, and the request's user context remembers it, so the driver answers 503
 * with Retry-After instead of counting a failed logon.
 */
class SlowCheckBusyTest {
  private static TokenTable table(PasswordCheck.Result result) {
    PasswordCheck check =
        new PasswordCheck() {
          @Override
          public boolean verify(String account, String password) {
            return result == PasswordCheck.Result.MATCH;
          }

          @Override
          public PasswordCheck.Result check(String account, String password) {
            return result;
          }
        };
    return new TokenTable(name -> Optional.empty(), check, Clock.systemUTC());
  }

  @Test
  void aBusyCheckIsToldToTheRequestThatMadeIt() {
    HttpUserContext user = new HttpUserContext("curl", "192.0.2.1", 4711, 1);
    HResult hr =
        LogonCaller.during(
            user,
            () -> table(PasswordCheck.Result.BUSY).logonUser("alice", "pw", "Basic", new Out<>()));
    assertEquals(HResult.NS_E_NO_NEW_CONNECTIONS, hr);
    assertTrue(user.wasSlowCheckRefused());
  }

  @Test
  void aWrongPasswordIsNotBusy() {
    HttpUserContext user = new HttpUserContext("curl", "192.0.2.1", 4711, 1);
    Out<TokenHandle> token = new Out<>();
    HResult hr =
        LogonCaller.during(
            user,
            () -> table(PasswordCheck.Result.MISMATCH).logonUser("alice", "pw", "Basic", token));
    assertEquals(HResult.E_LOGON_FAILURE, hr);
    assertFalse(user.wasSlowCheckRefused());
  }

  @Test
  void theCallerIsKnownOnlyDuringTheCall() {
    HttpUserContext user = new HttpUserContext("curl", "2001:db8::1", 4711, 1);
    assertEquals("2001:db8::1", LogonCaller.during(user, LogonCaller::address));
    assertEquals(null, LogonCaller.address());
  }
}
