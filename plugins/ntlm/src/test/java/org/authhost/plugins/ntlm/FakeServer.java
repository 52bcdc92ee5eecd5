package org.authhost.plugins.ntlm;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.api.AccessToken;
import org.authhost.api.CredentialService;
import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;

/**
 * A host for unit tests: the edge of the plug-in, faked with the behaviour the API documents
 * (accounts with NT hashes looked up without regard to case, handles, an event log that records).
 */
class FakeServer implements ServerContext {
  /** One logged event. */
  record Event(EventLevel level, HResult code, String text) {}

  /** Account name (any case) → password. */
  final Map<String, String> passwords = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  final List<Event> events = new ArrayList<>();
  final Set<Long> openHandles = new HashSet<>();

  /** Accounts the token service refuses although the credential service still knows them. */
  final Set<String> logonRefused = new HashSet<>();

  /** When set, getNtHash throws it, as a broken host service would. */
  RuntimeException credentialsThrow;

  /** When set, getNtHash answers this instead of working. */
  HResult credentialsAnswer;

  final AtomicInteger ntHashLookups = new AtomicInteger();
  String serverName = "media01.example.test";
  private final AtomicLong nextHandle = new AtomicLong(0x100);

  FakeServer() {
    passwords.put("alice", "Wonderland 1865");
    passwords.put("User", "Password");
  }

  static NamedValues values(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return new NamedValues() {
      @Override
      public String pluginId() {
        return "ntlm";
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

  synchronized List<Event> events(EventLevel level) {
    return events.stream().filter(e -> e.level() == level).toList();
  }

  @Override
  public String serverName() {
    return serverName;
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
    return new TokenService() {
      @Override
      public HResult logonUser(
          String account, String authenticationPackage, Out<TokenHandle> token) {
        if (!passwords.containsKey(account)
            || logonRefused.contains(account.toLowerCase(Locale.ROOT))) {
          return HResult.E_LOGON_FAILURE;
        }
        long handle = nextHandle.getAndIncrement();
        synchronized (FakeServer.this) {
          openHandles.add(handle);
        }
        token.set(new TokenHandle(handle));
        return HResult.S_OK;
      }

      @Override
      public HResult logonUser(
          String account, String password, String authenticationPackage, Out<TokenHandle> t) {
        return HResult.E_NOTIMPL; // NTLM never has the password
      }

      @Override
      public HResult queryToken(TokenHandle handle, Out<AccessToken> token) {
        return HResult.E_NOTIMPL;
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
        ntHashLookups.incrementAndGet();
        if (credentialsAnswer != null) {
          return credentialsAnswer;
        }
        if (credentialsThrow != null) {
          throw credentialsThrow;
        }
        String password = passwords.get(accountName);
        if (password == null) {
          return HResult.E_LOGON_FAILURE;
        }
        ntHash.set(NtlmTestClient.ntHash(password));
        return HResult.S_OK;
      }
    };
  }

  @Override
  public Path dataDirectory() {
    return Path.of("target", "ntlm-test-data");
  }

  /** A clock the test moves by hand. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      now = start;
    }

    TestClock() {
      this(Instant.parse("2025-01-01T00:00:00Z"));
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
