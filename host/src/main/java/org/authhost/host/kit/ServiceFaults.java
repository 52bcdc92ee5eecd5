package org.authhost.host.kit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.AccessToken;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PrincipalLogon;
import org.authhost.api.StateService;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.host.plugins.PluginServices;

/**
 * The kit's fault injection: the host services a plug-in calls, failing on demand, so that its
 * failure paths run where a kit that knows no protocol cannot make a client fail them. Off, every
 * call goes to the host's service unchanged. Each fault counts the calls it failed, so the kit
 * knows whether the plug-in met it at all.
 */
final class ServiceFaults implements PluginServices {

  /** One failure of one host service. */
  enum Fault {
    TOKENS_FAIL(
        "the token service answers E_FAIL to every logon", "TokenService.logonUser/logonPrincipal"),
    LOGON_DENIED(
        "the password logon answers E_LOGON_FAILURE (as for a wrong password) and the credential"
            + " service SEC_E_LOGON_DENIED",
        "CredentialService, TokenService.logonUser with a password"),
    TOKEN_CLOSED(
        "the token service answers SEC_E_INVALID_HANDLE to queryToken, as for a closed token",
        "TokenService.queryToken"),
    EVENT_LOG_FAILS("the event log answers E_FAIL", "EventLog.logEvent"),
    STATE_FAILS("the state service answers E_FAIL", "StateService");

    private final String what;
    private final String calls;

    Fault(String what, String calls) {
      this.what = what;
      this.calls = calls;
    }

    String what() {
      return what;
    }

    String calls() {
      return calls;
    }
  }

  private volatile Fault on;
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger failedReplayChecks = new AtomicInteger();

  /** Turns {@code fault} on (null: off) and starts counting its failed calls afresh. */
  void set(Fault fault) {
    failed.set(0);
    failedReplayChecks.set(0);
    on = fault;
  }

  /** How many calls the current fault failed since {@link #set}. */
  int failedCalls() {
    return failed.get();
  }

  /**
   * How many of those were StateService claim, increment or claimInWindow: a plug-in's replay
   * protection (nonce counts, one-time tickets), which must not succeed without an answer.
   */
  int failedReplayChecks() {
    return failedReplayChecks.get();
  }

  private HResult fails(Fault fault, HResult answer) {
    if (on != fault) {
      return null;
    }
    failed.incrementAndGet();
    return answer;
  }

  @Override
  public TokenService tokens(String pluginId, TokenService host) {
    return new TokenService() {
      @Override
      public HResult logonUser(
          String accountName, String authenticationPackage, Out<TokenHandle> token) {
        HResult f = fails(Fault.TOKENS_FAIL, HResult.E_FAIL);
        return f != null ? f : host.logonUser(accountName, authenticationPackage, token);
      }

      @Override
      public HResult logonUser(
          String accountName,
          String authenticationPackage,
          Instant expiresAt,
          Out<TokenHandle> token) {
        HResult f = fails(Fault.TOKENS_FAIL, HResult.E_FAIL);
        return f != null ? f : host.logonUser(accountName, authenticationPackage, expiresAt, token);
      }

      @Override
      public HResult logonUser(
          String accountName,
          String password,
          String authenticationPackage,
          Out<TokenHandle> token) {
        HResult f = fails(Fault.TOKENS_FAIL, HResult.E_FAIL);
        if (f == null) {
          f = fails(Fault.LOGON_DENIED, HResult.E_LOGON_FAILURE);
        }
        return f != null ? f : host.logonUser(accountName, password, authenticationPackage, token);
      }

      @Override
      public HResult logonPrincipal(
          PrincipalLogon logon, String authenticationPackage, Out<TokenHandle> token) {
        HResult f = fails(Fault.TOKENS_FAIL, HResult.E_FAIL);
        return f != null ? f : host.logonPrincipal(logon, authenticationPackage, token);
      }

      @Override
      public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
        HResult f = fails(Fault.TOKEN_CLOSED, HResult.SEC_E_INVALID_HANDLE);
        return f != null ? f : host.queryToken(handle, token);
      }

      @Override
      public HResult closeHandle(TokenHandle handle) {
        return host.closeHandle(handle);
      }
    };
  }

  @Override
  public CredentialService credentials(String pluginId, CredentialService host) {
    return new CredentialService() {
      @Override
      public HResult getDigestHa1(
          String accountName, String realm, String algorithm, Out<byte[]> ha1) {
        HResult f = fails(Fault.LOGON_DENIED, HResult.SEC_E_LOGON_DENIED);
        return f != null ? f : host.getDigestHa1(accountName, realm, algorithm, ha1);
      }

      @Override
      public HResult findUserByHash(
          String realm, String algorithm, String userhash, Out<String> accountName) {
        HResult f = fails(Fault.LOGON_DENIED, HResult.SEC_E_LOGON_DENIED);
        return f != null ? f : host.findUserByHash(realm, algorithm, userhash, accountName);
      }

      @Override
      public HResult getNtHash(String accountName, Out<byte[]> ntHash) {
        HResult f = fails(Fault.LOGON_DENIED, HResult.SEC_E_LOGON_DENIED);
        return f != null ? f : host.getNtHash(accountName, ntHash);
      }

      @Override
      public HResult keepsDigestSecrets(String realm, String algorithm) {
        return host.keepsDigestSecrets(realm, algorithm);
      }
    };
  }

  @Override
  public EventLog eventLog(String pluginId, EventLog host) {
    return (NamedValues values, EventLevel level, HResult code, String text) -> {
      HResult f = fails(Fault.EVENT_LOG_FAILS, HResult.E_FAIL);
      return f != null ? f : host.logEvent(values, level, code, text);
    };
  }

  @Override
  public StateService state(String pluginId, StateService host) {
    return new StateService() {
      private HResult f() {
        return fails(Fault.STATE_FAILS, HResult.E_FAIL);
      }

      private HResult replayCheck() {
        HResult f = f();
        if (f != null) {
          failedReplayChecks.incrementAndGet();
        }
        return f;
      }

      @Override
      public HResult claim(String key, Duration ttl, Out<Boolean> first) {
        HResult f = replayCheck();
        return f != null ? f : host.claim(key, ttl, first);
      }

      @Override
      public HResult increment(String key, Duration ttl, Out<Long> value) {
        HResult f = replayCheck();
        return f != null ? f : host.increment(key, ttl, value);
      }

      @Override
      public HResult claimInWindow(
          String key, long number, int window, Duration ttl, Out<WindowClaim> result) {
        HResult f = replayCheck();
        return f != null ? f : host.claimInWindow(key, number, window, ttl, result);
      }

      @Override
      public HResult getOrPut(String key, byte[] value, Duration ttl, Out<byte[]> current) {
        HResult f = f();
        return f != null ? f : host.getOrPut(key, value, ttl, current);
      }

      @Override
      public HResult get(String key, Out<byte[]> value) {
        HResult f = f();
        return f != null ? f : host.get(key, value);
      }

      @Override
      public HResult put(String key, byte[] value, Duration ttl) {
        HResult f = f();
        return f != null ? f : host.put(key, value, ttl);
      }

      @Override
      public HResult delete(String key) {
        HResult f = f();
        return f != null ? f : host.delete(key);
      }
    };
  }
}
