package org.authhost.plugins.negotiate;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.api.AccessToken;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.plugins.ntlm.NtlmTestClient;

/**
 * A host for unit tests: the edge of the plug-in, faked with the behaviour the API documents (local
 * accounts, handles, an event log that records).
 */
final class FakeServer implements ServerContext {
  /** One logged event. */
  record Event(EventLevel level, HResult code, String text) {}

  /** The accounts, in their stored case; looked up ignoring case, as the host does. */
  final Set<String> accounts = new HashSet<>(Set.of("alice", "bob", "Administrator", "Guest"));

  /** Passwords for NTLM (the host hands out their NT hashes); alice's only. */
  final Map<String, String> passwords = new HashMap<>(Map.of("alice", "Wonderland 1865"));

  final List<Event> events = new ArrayList<>();

  /** The host's clock, as {@link #clock()} hands it out; a test may put a movable one here. */
  Clock clock = Clock.systemUTC();

  final Set<Long> openHandles = new HashSet<>();

  /** The stored account name of each handle issued. */
  final Map<Long, String> handleAccounts = new HashMap<>();

  /** Accounts logged on, in order. */
  final List<String> logons = new ArrayList<>();

  /** When set, logonUser answers this. */
  HResult logonAnswer;

  private final AtomicLong nextHandle = new AtomicLong(0x100);

  static NamedValues values(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return new NamedValues() {
      @Override
      public String pluginId() {
        return "negotiate";
      }

      @Override
      public Optional<String> get(String name) {
        return Optional.ofNullable(map.get(name));
      }

      @Override
      public Map<String, String> asMap() {
        return map;
      }
    };
  }

  synchronized List<String> texts(EventLevel level) {
    return events.stream().filter(e -> e.level() == level).map(Event::text).toList();
  }

  @Override
  public String serverName() {
    return "TEST";
  }

  @Override
  public String hostVersion() {
    return "0.0.0";
  }

  @Override
  public EventLog eventLog() {
    return (values, level, code, text) -> {
      synchronized (this) {
        events.add(new Event(level, code, text));
      }
      return HResult.S_OK;
    };
  }

  @Override
  public TokenService tokenService() {
    String authPackage = "AuthHost Negotiate";
    return new TokenService() {
      @Override
      public HResult logonUser(
          String account, String authenticationPackage, Out<TokenHandle> token) {
        if (logonAnswer != null) {
          return logonAnswer;
        }
        Optional<String> stored =
            accounts.stream().filter(a -> a.equalsIgnoreCase(account)).findFirst();
        if (stored.isEmpty()) {
          return HResult.E_LOGON_FAILURE;
        }
        long handle = nextHandle.getAndIncrement();
        synchronized (FakeServer.this) {
          openHandles.add(handle);
          handleAccounts.put(handle, stored.get());
          logons.add(account);
        }
        token.set(new TokenHandle(handle));
        return HResult.S_OK;
      }

      @Override
      public HResult logonUser(
          String account, String password, String authenticationPackage, Out<TokenHandle> t) {
        return HResult.E_NOTIMPL;
      }

      @Override
      public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
        synchronized (FakeServer.this) {
          if (!openHandles.contains(handle.value())) {
            return HResult.SEC_E_INVALID_HANDLE;
          }
          token.set(
              new AccessToken(
                  new Sid("S-1-5-21-1-2-3-1001"),
                  List.of(Sid.EVERYONE),
                  "TEST\\" + handleAccounts.get(handle.value()),
                  authPackage,
                  Instant.EPOCH));
          return HResult.S_OK;
        }
      }

      @Override
      public HResult closeHandle(TokenHandle handle) {
        synchronized (FakeServer.this) {
          return openHandles.remove(handle.value()) ? HResult.S_OK : HResult.SEC_E_INVALID_HANDLE;
        }
      }
    };
  }

  @Override
  public boolean isShuttingDown() {
    return false;
  }

  @Override
  public CredentialService credentials() {
    return new CredentialService() {
      @Override
      public HResult getDigestHa1(String account, String realm, String algorithm, Out<byte[]> ha1) {
        return HResult.E_NOTIMPL;
      }

      @Override
      public HResult findUserByHash(
          String realm, String algorithm, String userhash, Out<String> accountName) {
        return HResult.E_NOTIMPL;
      }

      @Override
      public HResult getNtHash(String accountName, Out<byte[]> ntHash) {
        String password = passwords.get(accountName);
        if (password == null || !accounts.contains(accountName)) {
          return HResult.E_LOGON_FAILURE;
        }
        ntHash.set(NtlmTestClient.ntHash(password));
        return HResult.S_OK;
      }
    };
  }

  @Override
  public Path dataDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  @Override
  public Clock clock() {
    return clock;
  }
}
