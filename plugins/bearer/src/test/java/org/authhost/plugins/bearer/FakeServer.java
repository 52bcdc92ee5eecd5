package org.authhost.plugins.bearer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.api.AccessToken;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PrincipalLogon;
import org.authhost.api.ServerContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;

/**
 * A host for the plug-in's unit tests, faked with the behaviour the API documents: local accounts,
 * principal logons, handles, and an event log that records. (The real host runs the plug-in in the
 * host module's end-to-end tests and the contract kit.)
 */
final class FakeServer implements ServerContext {
  record Event(EventLevel level, String text) {}

  final Set<String> accounts = Set.of("alice", "Guest", "root");

  /** The accounts in Administrators. */
  final Set<String> administrators = Set.of("root");

  private final java.util.Map<TokenHandle, String> issued =
      new java.util.concurrent.ConcurrentHashMap<>();
  final List<Event> events = new ArrayList<>();
  final List<String> logons = new ArrayList<>();
  final List<PrincipalLogon> principals = new ArrayList<>();

  /** The ends the account logons were given (logonUser with expiresAt), in order. */
  final List<java.time.Instant> accountEnds = new ArrayList<>();

  final Clock clock;
  private final AtomicLong next = new AtomicLong(1);

  FakeServer(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String serverName() {
    return "test";
  }

  @Override
  public String hostVersion() {
    return "test";
  }

  @Override
  public EventLog eventLog() {
    return (values, level, code, text) -> {
      synchronized (events) {
        events.add(new Event(level, text));
      }
      return HResult.S_OK;
    };
  }

  @Override
  public TokenService tokenService() {
    return new TokenService() {
      @Override
      public HResult logonUser(String account, String pkg, Out<TokenHandle> token) {
        if (!accounts.contains(account)) {
          return HResult.E_LOGON_FAILURE;
        }
        logons.add(account);
        TokenHandle handle = new TokenHandle(next.getAndIncrement());
        issued.put(handle, account);
        token.set(handle);
        return HResult.S_OK;
      }

      @Override
      public HResult logonUser(
          String account, String pkg, java.time.Instant expiresAt, Out<TokenHandle> token) {
        if (!expiresAt.isAfter(clock.instant())) {
          return HResult.SEC_E_CONTEXT_EXPIRED;
        }
        synchronized (accountEnds) {
          accountEnds.add(expiresAt);
        }
        return logonUser(account, pkg, token);
      }

      @Override
      public HResult logonUser(String a, String p, String pkg, Out<TokenHandle> token) {
        return HResult.E_ACCESSDENIED;
      }

      @Override
      public HResult logonPrincipal(PrincipalLogon logon, String pkg, Out<TokenHandle> token) {
        if (!logon.expiresAt().isAfter(clock.instant())) {
          return HResult.SEC_E_CONTEXT_EXPIRED;
        }
        principals.add(logon);
        token.set(new TokenHandle(next.getAndIncrement()));
        return HResult.S_OK;
      }

      @Override
      public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
        String account = issued.get(handle);
        if (account == null) {
          return HResult.SEC_E_INVALID_HANDLE;
        }
        token.set(
            new AccessToken(
                new org.authhost.api.Sid("S-1-5-21-1-2-3-" + Math.abs(account.hashCode())),
                administrators.contains(account)
                    ? java.util.List.of(org.authhost.api.Sid.ADMINISTRATORS)
                    : java.util.List.of(),
                account,
                "OpenID Connect",
                clock.instant()));
        return HResult.S_OK;
      }

      @Override
      public HResult closeHandle(TokenHandle handle) {
        return HResult.S_OK;
      }
    };
  }

  @Override
  public boolean isShuttingDown() {
    return false;
  }

  @Override
  public CredentialService credentials() {
    return null;
  }

  @Override
  public Path dataDirectory() {
    return Path.of(".");
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /** The connecting user, as the host describes it; remembers the name the plug-in sets. */
  static final class Client implements UserContext {
    volatile String name;

    @Override
    public Optional<String> userAgent() {
      return Optional.empty();
    }

    @Override
    public Optional<String> userName() {
      return Optional.ofNullable(name);
    }

    @Override
    public void setUserName(String userName) {
      name = userName;
    }

    @Override
    public String ipAddress() {
      return "192.0.2.7";
    }

    @Override
    public int port() {
      return 50000;
    }

    @Override
    public String controlProtocol() {
      return "HTTP";
    }

    @Override
    public long connectionId() {
      return 1;
    }
  }
}
